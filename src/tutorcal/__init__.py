"""tutorcal: tutoring scheduler on Google Calendar."""
