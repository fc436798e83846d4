import { execFileSync } from 'node:child_process';

/**
 * Builds a tiny `.mmdb` in the MaxMind GeoIP2 layout with Debian's libmaxmind-db-writer-perl,
 * so tests can expect exact values from an operator-style database.
 */
export interface MmdbSpec {
  databaseType: string;
  /** [cidr, record] — IPv4 networks land in the IPv4 part of the IPv6 tree, as in GeoLite2. */
  networks: Array<[string, Record<string, unknown>]>;
}

const SCRIPT = String.raw`
use strict;
use warnings;
use JSON::PP;
use MaxMind::DB::Writer::Tree;

my ($out) = @ARGV;
my $spec = decode_json(do { local $/; <STDIN> });
my %types = (
  city => 'map', country => 'map', registered_country => 'map', continent => 'map',
  location => 'map', names => 'map', subdivisions => ['array', 'map'],
  en => 'utf8_string', iso_code => 'utf8_string', code => 'utf8_string', time_zone => 'utf8_string',
  geoname_id => 'uint32', latitude => 'double', longitude => 'double', accuracy_radius => 'uint16',
  autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string',
);
my $tree = MaxMind::DB::Writer::Tree->new(
  ip_version => 6,
  record_size => 24,
  database_type => $spec->{databaseType},
  languages => ['en'],
  description => { en => 'NetWatcher test database' },
  map_key_type_callback => sub { $types{ $_[0] } // die "no type for key $_[0]" },
  remove_reserved_networks => 0,
);
for my $n (@{ $spec->{networks} }) {
  my ($cidr, $record) = @$n;
  if ($cidr =~ m{^(\d+\.\d+\.\d+\.\d+)/(\d+)$}) { $cidr = "::$1/" . ($2 + 96); }
  $tree->insert_network($cidr, $record);
}
open my $fh, '>:raw', $out or die "cannot write $out: $!";
$tree->write_tree($fh);
close $fh;
`;

export function writeMmdb(path: string, spec: MmdbSpec): void {
  execFileSync('perl', ['-e', SCRIPT, path], { input: JSON.stringify(spec), stdio: ['pipe', 'inherit', 'inherit'] });
}

/** A GeoIP2-City record with the fields NetWatcher reads. */
export function cityRecord(r: {
  city: string;
  subdivision: string;
  country: string;
  countryName: string;
  latitude: number;
  longitude: number;
  accuracy: number;
}): Record<string, unknown> {
  return {
    city: { geoname_id: 1, names: { en: r.city } },
    subdivisions: [{ geoname_id: 2, iso_code: r.subdivision, names: { en: r.subdivision } }],
    country: { geoname_id: 3, iso_code: r.country, names: { en: r.countryName } },
    location: { latitude: r.latitude, longitude: r.longitude, accuracy_radius: r.accuracy },
  };
}
