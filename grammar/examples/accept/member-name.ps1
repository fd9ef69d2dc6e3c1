$obj.Count; $obj.'with space'; $obj.($name)
