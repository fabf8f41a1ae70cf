# Turns the help topics (help/*.txt) into C: one string per file, named after
# the file without .txt, in the order given.
BEGIN {
	print "/* Generated from the help topics (help/NAME.txt); do not edit. */"
	print "#include \"help.h\""
	print "const struct ew_help_topic ew_help_topics[] = {"
	n = 0
}
FNR == 1 {
	if (n++)
		print "\t},"
	name = FILENAME
	sub(/.*\//, "", name)
	sub(/\.txt$/, "", name)
	printf "\t{ \"%s\",\n", name
}
{
	line = $0
	gsub(/\\/, "&&", line)
	gsub(/"/, "\\\"", line)
	gsub(/\t/, "        ", line)
	printf "\t  \"%s\\n\"\n", line
}
END {
	if (n)
		print "\t},"
	print "};"
	printf "const size_t ew_help_ntopics = %d;\n", n
}
