"""Active communication with customers: interviews against coverage targets, satisfaction surveys, suggestion boxes, special customers, owner forums (R-EN)."""
