"""Persistence: the in-memory store and the SQL store (the only SQLAlchemy user)."""
