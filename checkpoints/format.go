package checkpoints

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"

	"github.com/neuroplast/neuroplast/population"
)

// Version is the format version this package writes. It reads versions
// MinVersion to Version.
const (
	Version    = 4
	MinVersion = 1
)

// magic opens every checkpoint file.
const magic = "NPLCKPT\x00"

const headerSize = 32

const (
	// maxSize bounds the payload and its decompressed form: a damaged
	// header cannot make Decode read or allocate more.
	maxSize = 4 << 30
	// maxRatio bounds how far the payload may expand: deflate cannot
	// expand data more than 1032 times (a gzip member, with its header and
	// trailer, even less).
	maxRatio = 1032
	// initialBuffer caps the first allocation for a payload whose size is
	// not otherwise known to be present; larger ones grow as their bytes
	// actually arrive.
	initialBuffer = 1 << 20
)

// level is the gzip compression level. Weights are random float64 bits
// that barely compress at any level, while the connection structure
// compresses well even at the fastest: BestSpeed writes an MNIST-sized
// population several times faster than the default level, for files a few
// percent larger.
const level = gzip.BestSpeed

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// CorruptError reports a checkpoint that cannot be loaded because it is
// damaged, truncated, of another format or of an unknown version.
type CorruptError struct {
	File    string // the file's path; empty when decoding a stream
	Problem string // what is wrong, such as "checksum mismatch: ..."
}

// Error returns "checkpoints: FILE: PROBLEM".
func (e *CorruptError) Error() string {
	if e.File == "" {
		return "checkpoints: " + e.Problem
	}
	return "checkpoints: " + e.File + ": " + e.Problem
}

func corrupt(format string, a ...any) *CorruptError {
	return &CorruptError{Problem: fmt.Sprintf(format, a...)}
}

// header is a checkpoint's fixed header.
type header struct {
	version    uint32
	payloadLen uint64
	rawLen     uint64
	crc        uint32
}

func (h *header) marshal() []byte {
	b := make([]byte, 0, headerSize)
	b = append(b, magic...)
	b = binary.BigEndian.AppendUint32(b, h.version)
	b = binary.BigEndian.AppendUint64(b, h.payloadLen)
	b = binary.BigEndian.AppendUint64(b, h.rawLen)
	return binary.BigEndian.AppendUint32(b, h.crc)
}

// countingWriter counts and checksums what passes through it to w.
type countingWriter struct {
	w   io.Writer
	crc hash.Hash32
	n   int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.crc.Write(p[:n])
	c.n += int64(n)
	return n, err
}

// writeCompressed writes s's payload, compressed, to w and returns the
// header that describes it. Its errors are not prefixed.
func writeCompressed(w io.Writer, s *population.State) (*header, error) {
	cw := &countingWriter{w: w, crc: crc32.New(castagnoli)}
	zw, err := gzip.NewWriterLevel(cw, level)
	if err != nil {
		return nil, err
	}
	raw, err := writePayload(zw, s)
	if err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return &header{version: Version, payloadLen: uint64(cw.n), rawLen: uint64(raw), crc: cw.crc.Sum32()}, nil
}

// Encode writes s in the checkpoint format to w. It returns an error, and
// writes nothing, if s cannot be encoded: a nil genome, species set,
// species or representative, a node kind or activation out of range, or a
// configuration that does not encode as JSON (a NaN, say).
func Encode(w io.Writer, s *population.State) error {
	var payload bytes.Buffer
	h, err := writeCompressed(&payload, s)
	if err != nil {
		return fmt.Errorf("checkpoints: %w", err)
	}
	if _, err := w.Write(h.marshal()); err != nil {
		return fmt.Errorf("checkpoints: %w", err)
	}
	if _, err := payload.WriteTo(w); err != nil {
		return fmt.Errorf("checkpoints: %w", err)
	}
	return nil
}

// Decode reads a checkpoint from r. It returns a *CorruptError (never
// panics, never allocates more than the input justifies) for any damaged
// input, and a plain error when r itself fails. Decode does not check the
// state's consistency: population.Restore does.
func Decode(r io.Reader) (*population.State, error) {
	s, err := decode(r, -1)
	var ce *CorruptError
	if err != nil && !errors.As(err, &ce) {
		return nil, fmt.Errorf("checkpoints: reading: %w", err)
	}
	return s, err
}

// parseHeader reads the fields of a header from its headerSize bytes,
// after the magic.
func parseHeader(hb []byte) header {
	return header{
		version:    binary.BigEndian.Uint32(hb[8:]),
		payloadLen: binary.BigEndian.Uint64(hb[12:]),
		rawLen:     binary.BigEndian.Uint64(hb[20:]),
		crc:        binary.BigEndian.Uint32(hb[28:]),
	}
}

// decode returns a *CorruptError, or r's error unwrapped. size is the
// length of r's content if known (a file's), or -1.
func decode(r io.Reader, size int64) (*population.State, error) {
	var hb [headerSize]byte
	n, err := io.ReadFull(r, hb[:])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, err
	}
	if n == 0 {
		return nil, corrupt("empty file (0 bytes)")
	}
	if m := min(n, len(magic)); string(hb[:m]) != magic[:m] {
		return nil, corrupt("not a neuroplast checkpoint (it starts with %q, not %q)", hb[:m], magic)
	}
	if n < headerSize {
		return nil, corrupt("truncated: %d bytes, shorter than the %d-byte header", n, headerSize)
	}
	h := parseHeader(hb[:])
	if h.version < MinVersion || h.version > Version {
		return nil, corrupt("format version %d; this program reads versions %d to %d", h.version, MinVersion, Version)
	}
	if h.payloadLen > maxSize {
		return nil, corrupt("the header gives a payload of %d bytes, more than the limit of %d", h.payloadLen, uint64(maxSize))
	}
	initial := min(h.payloadLen, initialBuffer)
	if size-headerSize >= int64(h.payloadLen) {
		initial = h.payloadLen // the file holds it
	}
	payload, err := readN(r, h.payloadLen, initial)
	if err == errShortRead {
		return nil, corrupt("truncated: the payload has %d bytes; the header says %d", len(payload), h.payloadLen)
	}
	if err != nil {
		return nil, err
	}
	if extra, err := io.Copy(io.Discard, io.LimitReader(r, 1<<20)); err != nil {
		return nil, err
	} else if extra > 0 {
		more := ""
		if extra == 1<<20 {
			more = " or more"
		}
		return nil, corrupt("%s%s of trailing data after the %d-byte payload", byteCount(extra), more, h.payloadLen)
	}
	if sum := crc32.Checksum(payload, castagnoli); sum != h.crc {
		return nil, corrupt("checksum mismatch: the header says %08x, the payload's CRC-32C is %08x", h.crc, sum)
	}
	raw, err := decompress(payload, h.rawLen)
	if err != nil {
		return nil, err
	}
	s, err := decodePayload(raw, h.version)
	if err != nil {
		return nil, corrupt("payload: %v", err)
	}
	return s, nil
}

// decompress returns the gzip member that payload must consist of, which
// must decompress to exactly rawLen bytes.
func decompress(payload []byte, rawLen uint64) ([]byte, error) {
	if rawLen > maxSize || rawLen > maxRatio*uint64(len(payload)) {
		return nil, corrupt("the header gives a decompressed size of %d bytes, impossible for a %d-byte payload", rawLen, len(payload))
	}
	br := bytes.NewReader(payload)
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, corrupt("payload is not gzip data: %v", err)
	}
	zr.Multistream(false)
	// Real checkpoints expand two or three times; more than 16 times only
	// grows the buffer as the bytes actually arrive.
	raw, err := readN(zr, rawLen, min(rawLen, 16*uint64(len(payload))+64<<10))
	switch {
	case err == errShortRead:
		return nil, corrupt("the payload decompresses to %d bytes; the header says %d", len(raw), rawLen)
	case err != nil:
		return nil, corrupt("the payload's gzip stream is damaged: %v", err)
	}
	// Reading on to the end checks gzip's own CRC-32 and length.
	var one [1]byte
	switch n, err := io.ReadFull(zr, one[:]); {
	case n > 0:
		return nil, corrupt("the payload decompresses to more than the %d bytes the header says", rawLen)
	case err != io.EOF:
		return nil, corrupt("the payload's gzip stream is damaged: %v", err)
	}
	if br.Len() > 0 {
		return nil, corrupt("%s of garbage after the gzip stream in the payload", byteCount(int64(br.Len())))
	}
	return raw, nil
}

// errShortRead reports a reader that ended cleanly before the bytes
// expected.
var errShortRead = errors.New("short read")

// readN reads exactly n bytes from r. It allocates initial bytes first,
// then grows the buffer as the bytes arrive, so a false n costs no more
// memory than the data present. If r ends cleanly before n bytes, readN
// returns what it read and errShortRead.
func readN(r io.Reader, n, initial uint64) ([]byte, error) {
	buf := make([]byte, 0, min(n, initial))
	for uint64(len(buf)) < n {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		end := min(uint64(cap(buf)), n)
		m, err := r.Read(buf[len(buf):end])
		buf = buf[:len(buf)+m]
		switch {
		case err == io.EOF && uint64(len(buf)) < n:
			return buf, errShortRead
		case err != nil && err != io.EOF:
			return buf, err
		}
	}
	return buf, nil
}

// byteCount returns "1 byte" or "N bytes".
func byteCount(n int64) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}
