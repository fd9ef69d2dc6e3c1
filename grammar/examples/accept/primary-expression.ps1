$batch.Identity.ToString().Length
