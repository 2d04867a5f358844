"""HTTP routes served beside the Reflex UI (via ``api_transformer``)."""
