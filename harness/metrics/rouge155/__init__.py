"""The ROUGE-1.5.5 profile: the Perl script's numbers, to its printed 5 decimals, without Perl."""
