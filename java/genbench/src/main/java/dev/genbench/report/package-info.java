/**
 * The report of one or more evaluated experiments: {@code summary.json}, {@code summary.csv} and a
 * self-contained {@code report.html} with a leaderboard and inline SVG charts.
 */
package dev.genbench.report;
