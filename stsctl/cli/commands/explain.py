"""`stsctl explain`."""
