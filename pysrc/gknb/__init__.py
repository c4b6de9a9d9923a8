"""政府信息公开年报助手 (gknb): fill, check and publish the annual report tables."""

__version__ = "0.1.0"
