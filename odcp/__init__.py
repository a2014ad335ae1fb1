"""ODCP: an online doctor consultation platform in pure Python."""
