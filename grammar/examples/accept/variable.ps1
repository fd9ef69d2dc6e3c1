$_; $PSItem; $script:count; $global:x; $env:TEMP; $using:y; $?; $$; $^
