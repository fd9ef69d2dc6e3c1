# expect: InvalidVariableReferenceWithDrive 2:9
"Server $name: down"
