"""What chapters and the refresh pipeline share: figures, guide claims, charts, refresh."""
