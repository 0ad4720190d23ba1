"""`stsctl lifecycle`."""
