"""iProDash: field-operations CRM for small home-service companies."""
