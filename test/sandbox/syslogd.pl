#!/usr/bin/perl
# The sandbox host's syslog receiver, standing in for systemd-journald's /dev/log: every datagram a program
# sends with syslog(3) becomes one line of the host's journal file,
#   <epoch seconds.microseconds> <identifier> <pid or -> <priority> <message>
# which the journalctl stand-in reads (`journalctl -u prosody` shows the lines whose identifier is prosody, as
# journald attributes a unit's syslog messages to the unit). Usage: syslogd.pl SOCKET JOURNAL
use strict;
use warnings;
use IO::Socket::UNIX;
use Socket qw(SOCK_DGRAM);
use Time::HiRes qw(time);

my ($path, $journal) = @ARGV;
die "usage: $0 SOCKET JOURNAL\n" unless defined $journal;
unlink $path;
my $sock = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $path) or die "syslogd: cannot listen on $path: $!\n";
chmod 0666, $path;
open(my $out, '>>', $journal) or die "syslogd: cannot open $journal: $!\n";
$out->autoflush(1);
$SIG{TERM} = sub { unlink $path; exit 0 };

my $buf;
while (defined $sock->recv($buf, 65536)) {
  $buf =~ s/\0+$//;
  # glibc: "<PRI>Mmm dd hh:mm:ss IDENT[PID]: MESSAGE" (the timestamp and pid may be missing).
  my ($pri, $rest) = $buf =~ /^<(\d{1,3})>(.*)$/s ? ($1, $2) : (13, $buf);
  $rest =~ s/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d //;
  my ($ident, $pid, $msg) = ('-', '-', $rest);
  if ($rest =~ /^([^\s\[:]+)(?:\[(\d+)\])?: (.*)$/s) { ($ident, $pid, $msg) = ($1, $2 // '-', $3); }
  for my $line (split /\n/, $msg) {
    printf $out "%.6f %s %s %d %s\n", time, $ident, $pid, $pri & 7, $line;
  }
}
