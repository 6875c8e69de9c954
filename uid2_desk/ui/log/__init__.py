"""The exchange log and what opens an exchange: the log model and panel, the inspector, the
envelope view."""
