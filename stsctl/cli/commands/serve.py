"""`stsctl serve`."""
