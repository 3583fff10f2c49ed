"""The resident's side: a phone-first portal on the same services and the same API as the staff pages."""
