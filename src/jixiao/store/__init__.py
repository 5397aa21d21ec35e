"""Storage of the review workspace: SQLAlchemy models, engine factory, Alembic migrations and the
framework-free service layer (``jixiao.store.service``) used by the web pages, the API and the CLI."""
