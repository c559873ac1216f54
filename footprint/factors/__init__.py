"""The bundled default emission factor library (data files only; see README.md here)."""
