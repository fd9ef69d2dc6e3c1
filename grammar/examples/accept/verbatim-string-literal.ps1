'It''s a $literal'
‘curly single’
