"""The JSON API (``/api/v1/``): authentication, error bodies, idempotent creates, tokens."""
