"""frontdesk: a keyboard-first terminal front desk for clinics."""

__version__ = "0.1.0"
