"""Excel exports: pure workbook writers (`xlsx`) fed with plain data by the workers."""
