/**
 * A minimal protobuf writer and the few ONNX messages the converter emits (onnx.proto3 field
 * numbers). Hand-written because we only ever encode, a handful of message types, and a
 * protobuf library would bring a schema compiler or a 1 MB runtime for ~150 lines of work.
 */

/** Growable byte buffer with protobuf wire-format primitives. */
class Writer {
  private buf = new Uint8Array(64);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Varint of a non-negative or negative integer (negatives as 10-byte two's complement, like int64). */
  varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  float32(value: number): void {
    this.reserve(4);
    new DataView(this.buf.buffer, this.len, 4).setFloat32(0, value, true);
    this.len += 4;
  }

  get length(): number {
    return this.len;
  }

  /** The bytes written so far, as a view (the writer may go on). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

const enum Wire {
  Varint = 0,
  Fixed32 = 5,
  Delimited = 2,
}

/**
 * Builds one message field by field. Large byte fields and nested messages are kept by
 * reference and copied once, by the outermost `finish`: a gallery's 8 MB prototype matrix nested
 * three levels deep was copied at every level, and fresh memory is slow to touch on small VMs.
 */
export class Message {
  /** Finished pieces in order: small fields in writers, big payloads and nested messages as they are. */
  private readonly parts: (Writer | Uint8Array | Message)[] = [];

  private get w(): Writer {
    const last = this.parts[this.parts.length - 1];
    if (last instanceof Writer) return last;
    const w = new Writer();
    this.parts.push(w);
    return w;
  }

  /** Encoded size in bytes. */
  get length(): number {
    return this.parts.reduce((n, p) => n + p.length, 0);
  }

  private tag(field: number, wire: Wire): void {
    this.w.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, Wire.Varint);
    this.w.varint(value);
    return this;
  }

  ints(field: number, values: readonly number[]): this {
    for (const v of values) this.int(field, v);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, Wire.Fixed32);
    this.w.float32(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.raw(field, new TextEncoder().encode(value));
  }

  raw(field: number, data: Uint8Array): this {
    this.tag(field, Wire.Delimited);
    this.w.varint(data.length);
    this.parts.push(data);
    return this;
  }

  message(field: number, m: Message): this {
    this.tag(field, Wire.Delimited);
    this.w.varint(m.length);
    this.parts.push(m);
    return this;
  }

  /** The encoded message in one buffer. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    this.writeInto(out, 0);
    return out;
  }

  private writeInto(out: Uint8Array, offset: number): number {
    for (const p of this.parts) {
      if (p instanceof Message) offset = p.writeInto(out, offset);
      else {
        out.set(p instanceof Writer ? p.view() : p, offset);
        offset += p.length;
      }
    }
    return offset;
  }
}
