"""tutors."""
