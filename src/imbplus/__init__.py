"""IMB+ customer-information system: the privacy policy kept in code."""

__version__ = "0.1.0"
