"""Price feeds: importing public price databases into the book's schema."""
