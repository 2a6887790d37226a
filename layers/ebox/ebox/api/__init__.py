"""The HTTP edge of the Message Registry API: error mapping, multipart reading."""
