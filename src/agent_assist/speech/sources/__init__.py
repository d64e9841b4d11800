"""Where call audio comes from: files, local capture devices, or a network stream."""
