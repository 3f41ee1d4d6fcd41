"""The steps that build the synthetic borough, one module each (run by ``demo.generator``)."""
