"""The web app: the Vite bundle (built from ``web/`` into ``dist/`` here) and how it is served."""
