"""Thin adapters to outside providers, each with a local/offline mode."""
