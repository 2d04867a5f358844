"""The only code that talks to MongoDB. Company data is tenant-scoped."""
