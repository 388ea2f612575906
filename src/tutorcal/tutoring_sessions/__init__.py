"""tutoring sessions."""
