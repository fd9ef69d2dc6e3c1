(1); $(2); @(3); { 4 }; @{ five = 5 }; 6; 'seven'; "eight"; [int]; $nine
