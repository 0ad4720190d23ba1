"""`stsctl dns`."""
