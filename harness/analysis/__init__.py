"""Analysis of records: statistics, leaderboard, paired comparison and the CI gate."""
