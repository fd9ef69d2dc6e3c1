1kb; 10MB; 2gb; 1tb; 1pb
