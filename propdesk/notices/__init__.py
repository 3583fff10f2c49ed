"""Publishing to customers: notices with approval and seal, outages, weather warnings and broadcasts (R-PB)."""
