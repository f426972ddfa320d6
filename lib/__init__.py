"""The shared cost library of the book "AI Inference Cost Economics".

Sub-packages by domain:
- ``lib.data``: locating and validating the CSV inputs in ``data/``;
- ``lib.costs``: pure, vectorised cost formulas (API requests, self-hosting, levers);
- ``lib.book``: what the chapters and the refresh pipeline share (figures, guide claims,
  charts, refresh).
"""
