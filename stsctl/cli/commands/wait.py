"""`stsctl wait`."""
