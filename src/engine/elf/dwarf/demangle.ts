// Itanium C++ ABI name demangling (https://itanium-cxx-abi.github.io/cxx-abi/abi.html#mangling),
// printed the way GNU libiberty prints names, which is what both c++filt and
// Valgrind show: `std::vector<int, std::allocator<int> >::push_back(int const&)`.

export interface DemangleOptions {
  /**
   * Expand std::string, std::istream, std::ostream and std::iostream
   * (Ss Si So Sd) to their full template names. c++filt does
   * (DMGL_VERBOSE); Valgrind does not, so the default is false.
   */
  verbose?: boolean;
}

/**
 * The demangled form of an Itanium-mangled name (`_Z...`), or undefined if
 * `name` is not one or uses a construct this demangler does not know. Clone
 * suffixes (`.isra.0`, `.cold`) print as ` [clone .isra.0]`.
 */
export function demangle(name: string, options: DemangleOptions = {}): string | undefined {
  if (!name.startsWith('_Z')) return undefined;
  try {
    const p = new Parser(name, options.verbose ?? false);
    const node = p.mangledName();
    return new Printer().print(node);
  } catch (e) {
    if (e instanceof DemangleError) return undefined;
    throw e;
  }
}

class DemangleError extends Error {}

type Node =
  | { k: 'name'; s: string }
  | { k: 'qual'; scope: Node; name: Node }
  | { k: 'tmpl'; name: Node; args: Node[] }
  | { k: 'cv'; inner: Node; q: string[] }
  | { k: 'ptr' | 'ref' | 'rref'; inner: Node }
  | { k: 'fn'; ret?: Node; params: Node[]; cv: string[]; ref: string; spec?: Node }
  | { k: 'array'; dim: Node | undefined; inner: Node }
  | { k: 'ptrmem'; cls: Node; member: Node }
  | { k: 'tparam'; index: number }
  | { k: 'pack'; elems: Node[] }
  | { k: 'expansion'; inner: Node }
  | { k: 'postfix'; inner: Node; s: string }
  | { k: 'vector'; dim: Node; inner: Node }
  | { k: 'abi'; inner: Node; tags: string[] }
  | { k: 'local'; fn: Node; entity: Node }
  | { k: 'special'; prefix: string; inner: Node }
  | { k: 'ctor'; name: string }
  | { k: 'conv'; type: Node }
  | { k: 'encoding'; name: Node; fn?: FnNode }
  | { k: 'clone'; inner: Node; suffix: string }
  | { k: 'lit'; type: Node; value: string }
  | { k: 'seq'; parts: Array<string | Node> }
  | { k: 'sub'; inner: Node }
  | { k: 'lambda'; params: Node[]; n: number }
  | { k: 'packsize'; param: Extract<Node, { k: 'tparam' }> };

type FnNode = Extract<Node, { k: 'fn' }>;

const BUILTIN: Record<string, string> = {
  v: 'void', w: 'wchar_t', b: 'bool', c: 'char', a: 'signed char', h: 'unsigned char', s: 'short',
  t: 'unsigned short', i: 'int', j: 'unsigned int', l: 'long', m: 'unsigned long', x: 'long long',
  y: 'unsigned long long', n: '__int128', o: 'unsigned __int128', f: 'float', d: 'double',
  e: 'long double', g: '__float128', z: '...',
};
const BUILTIN_D: Record<string, string> = {
  d: 'decimal64', e: 'decimal128', f: 'decimal32', h: 'half', i: 'char32_t', s: 'char16_t', u: 'char8_t',
  a: 'auto', c: 'decltype(auto)', n: 'decltype(nullptr)',
};

/** Operators: code -> [spelling, arity]. */
const OPERATORS: Record<string, [string, number]> = {
  nw: ['new', 3], na: ['new[]', 3], dl: ['delete', 1], da: ['delete[]', 1], aw: ['co_await', 1],
  ps: ['+', 1], ng: ['-', 1], ad: ['&', 1], de: ['*', 1], co: ['~', 1], pl: ['+', 2], mi: ['-', 2],
  ml: ['*', 2], dv: ['/', 2], rm: ['%', 2], an: ['&', 2], or: ['|', 2], eo: ['^', 2], aS: ['=', 2],
  pL: ['+=', 2], mI: ['-=', 2], mL: ['*=', 2], dV: ['/=', 2], rM: ['%=', 2], aN: ['&=', 2],
  oR: ['|=', 2], eO: ['^=', 2], ls: ['<<', 2], rs: ['>>', 2], lS: ['<<=', 2], rS: ['>>=', 2],
  eq: ['==', 2], ne: ['!=', 2], lt: ['<', 2], gt: ['>', 2], le: ['<=', 2], ge: ['>=', 2],
  ss: ['<=>', 2], nt: ['!', 1], aa: ['&&', 2], oo: ['||', 2], pp: ['++', 1], mm: ['--', 1],
  cm: [',', 2], pm: ['->*', 2], pt: ['->', 2], cl: ['()', 2], ix: ['[]', 2], qu: ['?', 3],
  st: ['sizeof ', 1], sz: ['sizeof ', 1], at: ['alignof ', 1], az: ['alignof ', 1],
  dt: ['.', 2], nx: ['noexcept', 1], tw: ['throw', 1], tr: ['throw', 0],
};

const STD_SUBS: Record<string, [simple: string, full: string, last: string]> = {
  a: ['std::allocator', 'std::allocator', 'allocator'],
  b: ['std::basic_string', 'std::basic_string', 'basic_string'],
  s: ['std::string', 'std::basic_string<char, std::char_traits<char>, std::allocator<char> >', 'basic_string'],
  i: ['std::istream', 'std::basic_istream<char, std::char_traits<char> >', 'basic_istream'],
  o: ['std::ostream', 'std::basic_ostream<char, std::char_traits<char> >', 'basic_ostream'],
  d: ['std::iostream', 'std::basic_iostream<char, std::char_traits<char> >', 'basic_iostream'],
};

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';
const isUpper = (c: string | undefined): boolean => c !== undefined && c >= 'A' && c <= 'Z';

class Parser {
  private i = 0;
  private readonly subs: Node[] = [];
  private lastName = '';

  constructor(
    private readonly s: string,
    private readonly verbose: boolean,
  ) {}

  private fail(what: string): never {
    throw new DemangleError(`${what} at ${this.i}`);
  }

  private peek(off = 0): string | undefined {
    return this.s[this.i + off];
  }

  private eat(c: string): boolean {
    if (this.s.startsWith(c, this.i)) {
      this.i += c.length;
      return true;
    }
    return false;
  }

  private expect(c: string): void {
    if (!this.eat(c)) this.fail(`expected ${c}`);
  }

  private number(): number {
    const neg = this.eat('n');
    const start = this.i;
    while (isDigit(this.peek())) this.i++;
    if (start === this.i) this.fail('expected a number');
    const v = Number(this.s.slice(start, this.i));
    return neg ? -v : v;
  }

  private add(n: Node): Node {
    this.subs.push(n);
    return n;
  }

  mangledName(): Node {
    this.expect('_Z');
    let node = this.encoding(true);
    while (this.peek() === '.' && (isLower(this.peek(1)) || this.peek(1) === '_' || isDigit(this.peek(1)))) {
      const start = this.i;
      this.i += 2;
      while (isLower(this.peek()) || isDigit(this.peek()) || this.peek() === '_') this.i++;
      while (this.peek() === '.' && isDigit(this.peek(1))) {
        this.i += 2;
        while (isDigit(this.peek())) this.i++;
      }
      node = { k: 'clone', inner: node, suffix: this.s.slice(start, this.i) };
    }
    if (this.i !== this.s.length) this.fail('trailing characters');
    return node;
  }

  private encoding(top: boolean): Node {
    const c = this.peek();
    if ((c === 'T' && this.peek(1) !== '_' && !isDigit(this.peek(1))) || (c === 'G' && 'VRATr'.includes(this.peek(1) ?? ''))) {
      return this.specialName();
    }
    const { node: name, cv, ref } = this.name();
    const end = this.peek();
    if (end === undefined || end === 'E' || (top && end === '.')) return name;
    const fn = this.bareFunctionType(hasReturnType(name));
    fn.cv = cv;
    fn.ref = ref;
    return { k: 'encoding', name, fn };
  }

  private specialName(): Node {
    if (this.eat('T')) {
      const c = this.s[this.i++];
      switch (c) {
        case 'V': return { k: 'special', prefix: 'vtable for ', inner: this.type() };
        case 'T': return { k: 'special', prefix: 'VTT for ', inner: this.type() };
        case 'I': return { k: 'special', prefix: 'typeinfo for ', inner: this.type() };
        case 'S': return { k: 'special', prefix: 'typeinfo name for ', inner: this.type() };
        case 'F': return { k: 'special', prefix: 'typeinfo fn for ', inner: this.type() };
        case 'h': this.callOffset('h'); return { k: 'special', prefix: 'non-virtual thunk to ', inner: this.encoding(false) };
        case 'v': this.callOffset('v'); return { k: 'special', prefix: 'virtual thunk to ', inner: this.encoding(false) };
        case 'c':
          this.callOffset(this.s[this.i++]);
          this.callOffset(this.s[this.i++]);
          return { k: 'special', prefix: 'covariant return thunk to ', inner: this.encoding(false) };
        case 'C': {
          const derived = this.type();
          this.number();
          this.expect('_');
          const base = this.type();
          return { k: 'seq', parts: ['construction vtable for ', base, '-in-', derived] };
        }
        case 'H': return { k: 'special', prefix: 'TLS init function for ', inner: this.name().node };
        case 'W': return { k: 'special', prefix: 'TLS wrapper function for ', inner: this.name().node };
        case 'A': return { k: 'special', prefix: 'template parameter object for ', inner: this.templateArg() };
        default: this.fail('unknown special name');
      }
    }
    this.expect('G');
    const c = this.s[this.i++];
    switch (c) {
      case 'V': return { k: 'special', prefix: 'guard variable for ', inner: this.name().node };
      case 'R': {
        const name = this.name().node;
        // As libiberty reads it: the name's discriminator takes the '_', then an optional number.
        let n = 0;
        while (isDigit(this.peek())) n = n * 10 + Number(this.s[this.i++]);
        this.eat('_');
        return { k: 'seq', parts: [`reference temporary #${n} for `, name] };
      }
      case 'A': return { k: 'special', prefix: 'hidden alias for ', inner: this.encoding(false) };
      case 'T': {
        const kind = this.s[this.i++];
        const prefix = kind === 'n' ? 'non-transaction clone for ' : 'transaction clone for ';
        return { k: 'special', prefix, inner: this.encoding(false) };
      }
      default: this.fail('unknown special name');
    }
  }

  private callOffset(kind: string): void {
    if (kind === 'h') {
      this.number();
      this.expect('_');
    } else if (kind === 'v') {
      this.number();
      this.expect('_');
      this.number();
      this.expect('_');
    } else {
      this.fail('bad call offset');
    }
  }

  private seqId(): number {
    const start = this.i;
    let v = 0;
    while (isDigit(this.peek()) || isUpper(this.peek())) {
      const c = this.s[this.i++];
      v = v * 36 + (isDigit(c) ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 55);
    }
    if (start === this.i) this.fail('expected a sequence id');
    return v;
  }

  /** <name>; method qualifiers of a nested name come back separately. */
  private name(): { node: Node; cv: string[]; ref: string } {
    const c = this.peek();
    if (c === 'N') return this.nestedName();
    if (c === 'Z') return this.localName();
    let node: Node;
    let isSub = false;
    if (c === 'S' && this.peek(1) === 't') {
      this.i += 2;
      node = { k: 'qual', scope: { k: 'name', s: 'std' }, name: this.unqualifiedName() };
    } else if (c === 'S') {
      node = this.substitution();
      isSub = true;
    } else {
      node = this.unqualifiedName();
    }
    if (this.peek() === 'I') {
      if (!isSub) this.add(node);
      node = { k: 'tmpl', name: node, args: this.templateArgs() };
    }
    return { node, cv: [], ref: '' };
  }

  private cvQualifiers(): string[] {
    const q: string[] = [];
    for (;;) {
      if (this.eat('r')) q.push('restrict');
      else if (this.eat('V')) q.push('volatile');
      else if (this.eat('K')) q.push('const');
      else return q;
    }
  }

  private nestedName(): { node: Node; cv: string[]; ref: string } {
    this.expect('N');
    const cv = this.cvQualifiers();
    let ref = '';
    if (this.eat('R')) ref = '&';
    else if (this.eat('O')) ref = '&&';
    let node: Node | undefined;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail('unterminated nested name');
      if (c === 'E') {
        this.i++;
        break;
      }
      let part: Node;
      let wasSub = false;
      if (c === 'I') {
        if (!node) this.fail('template args with no template');
        node = { k: 'tmpl', name: node, args: this.templateArgs() };
      } else {
        if (c === 'S' && this.peek(1) === 't') {
          this.i += 2;
          part = { k: 'qual', scope: { k: 'name', s: 'std' }, name: this.unqualifiedName() };
        } else if (c === 'S') {
          part = this.substitution();
          wasSub = true;
        } else if (c === 'T') {
          part = this.templateParam();
        } else if (c === 'D' && (this.peek(1) === 't' || this.peek(1) === 'T')) {
          part = this.type();
          wasSub = true;
        } else if (c === 'M') {
          this.i++;
          continue;
        } else {
          part = this.unqualifiedName();
        }
        node = node ? { k: 'qual', scope: node, name: part } : part;
      }
      if (!wasSub && this.peek() !== 'E') this.add(node);
    }
    if (!node) this.fail('empty nested name');
    return { node, cv, ref };
  }

  /** <local-name>; the entity's method qualifiers (a lambda's `const`) come back separately. */
  private localName(): { node: Node; cv: string[]; ref: string } {
    this.expect('Z');
    const fn = this.encoding(false);
    this.expect('E');
    if (this.eat('s')) {
      this.discriminator();
      return { node: { k: 'local', fn, entity: { k: 'name', s: 'string literal' } }, cv: [], ref: '' };
    }
    let defaultArg: number | undefined;
    if (this.eat('d')) {
      defaultArg = this.peek() === '_' ? 1 : this.number() + 2;
      this.expect('_');
    }
    const entity = this.name();
    this.discriminator();
    // libiberty elides the enclosing function's return type, lest it read as the entity's.
    const outer = fn.k === 'encoding' && fn.fn ? { ...fn, fn: { ...fn.fn, ret: undefined } } : fn;
    const node: Node = defaultArg === undefined ? entity.node : { k: 'seq', parts: [`{default arg#${defaultArg}}::`, entity.node] };
    return { node: { k: 'local', fn: outer, entity: node }, cv: entity.cv, ref: entity.ref };
  }

  /** _ <digit> or __ <number> _; libiberty accepts the digits missing. */
  private discriminator(): void {
    if (!this.eat('_')) return;
    const long = this.eat('_');
    const start = this.i;
    while (isDigit(this.peek())) this.i++;
    if (long && this.i - start >= 2) this.eat('_');
  }

  private unqualifiedName(): Node {
    const c = this.peek();
    let node: Node;
    if (isDigit(c)) {
      node = this.sourceName();
    } else if (isLower(c)) {
      node = this.operatorName();
    } else if (c === 'C' || (c === 'D' && this.peek(1) !== 'C')) {
      node = this.ctorDtorName();
    } else if (c === 'L') {
      this.i++;
      node = this.sourceName();
      this.discriminator();
    } else if (c === 'U' && this.peek(1) === 'l') {
      node = this.lambda();
    } else if (c === 'U' && this.peek(1) === 't') {
      this.i += 2;
      const n = this.peek() === '_' ? 1 : this.number() + 2;
      this.expect('_');
      node = { k: 'name', s: `{unnamed type#${n}}` };
    } else {
      this.fail('bad unqualified name');
    }
    if (this.peek() === 'B') {
      const tags: string[] = [];
      while (this.eat('B')) {
        const len = this.number();
        tags.push(this.s.slice(this.i, this.i + len));
        this.i += len;
      }
      node = { k: 'abi', inner: node, tags };
    }
    return node;
  }

  private lambda(): Node {
    this.expect('Ul');
    const params: Node[] = [];
    while (!this.eat('E')) {
      if (this.i >= this.s.length) this.fail('unterminated lambda');
      params.push(this.type());
    }
    if (params.length === 1 && params[0].k === 'name' && params[0].s === 'void') params.length = 0;
    const n = this.peek() === '_' ? 1 : this.number() + 2;
    this.expect('_');
    return { k: 'lambda', params, n };
  }

  private sourceName(): Node {
    const len = this.number();
    if (len <= 0 || this.i + len > this.s.length) this.fail('bad source name length');
    let id = this.s.slice(this.i, this.i + len);
    this.i += len;
    if (id.startsWith('_GLOBAL_') && '._$'.includes(id[8] ?? '') && id[9] === 'N') id = '(anonymous namespace)';
    this.lastName = id;
    return { k: 'name', s: id };
  }

  private operatorName(): Node {
    const code = this.s.slice(this.i, this.i + 2);
    this.i += 2;
    if (code === 'cv') {
      return { k: 'conv', type: this.type() };
    }
    if (code === 'li') return { k: 'name', s: `operator"" ${(this.sourceName() as { s: string }).s}` };
    if (code[0] === 'v' && isDigit(code[1])) return { k: 'name', s: `operator ${(this.sourceName() as { s: string }).s}` };
    const op = OPERATORS[code];
    if (!op) this.fail(`unknown operator ${code}`);
    const spelling = op[0].trimEnd();
    return { k: 'name', s: `operator${isLower(spelling[0]) ? ' ' : ''}${spelling}` };
  }

  private ctorDtorName(): Node {
    if (this.eat('C')) {
      if (this.eat('I')) {
        this.s[this.i++];
        this.type();
      } else {
        this.i++;
      }
      return { k: 'ctor', name: this.lastName };
    }
    this.expect('D');
    this.i++;
    return { k: 'ctor', name: `~${this.lastName}` };
  }

  private substitution(): Node {
    this.expect('S');
    const c = this.peek();
    if (c !== undefined && STD_SUBS[c]) {
      this.i++;
      const [simple, full, last] = STD_SUBS[c];
      const next = this.peek();
      const verbose = this.verbose || next === 'C' || next === 'D';
      this.lastName = last;
      return { k: 'name', s: verbose ? full : simple };
    }
    if (this.eat('_')) return this.subAt(0);
    const id = this.seqId();
    this.expect('_');
    return this.subAt(id + 1);
  }

  private subAt(i: number): Node {
    const n = this.subs[i];
    if (!n) this.fail(`substitution ${i} out of range`);
    return n;
  }

  private templateParam(): Node {
    this.expect('T');
    let index = 0;
    if (!this.eat('_')) {
      index = this.number() + 1;
      this.expect('_');
    }
    return { k: 'tparam', index };
  }

  private templateArgs(): Node[] {
    const saved = this.lastName;
    this.expect('I');
    const args: Node[] = [];
    while (!this.eat('E')) {
      if (this.i >= this.s.length) this.fail('unterminated template args');
      args.push(this.templateArg());
    }
    this.lastName = saved;
    return args;
  }

  private templateArg(): Node {
    const c = this.peek();
    if (c === 'X') {
      this.i++;
      const e = this.expression();
      this.expect('E');
      return e;
    }
    if (c === 'L') return this.exprPrimary();
    if (c === 'J') {
      this.i++;
      const elems: Node[] = [];
      while (!this.eat('E')) {
        if (this.i >= this.s.length) this.fail('unterminated pack');
        elems.push(this.templateArg());
      }
      return { k: 'pack', elems };
    }
    return this.type();
  }

  private bareFunctionType(hasRet: boolean): FnNode {
    const ret = hasRet ? this.type() : undefined;
    const params: Node[] = [];
    while (this.i < this.s.length && this.peek() !== 'E' && this.peek() !== '.') {
      // A reference qualifier closing a function type.
      if ((this.peek() === 'R' || this.peek() === 'O') && this.peek(1) === 'E') break;
      params.push(this.type());
    }
    if (params.length === 0) this.fail('no parameter types');
    if (params.length === 1 && params[0].k === 'name' && params[0].s === 'void') params.length = 0;
    return { k: 'fn', ret, params, cv: [], ref: '' };
  }

  type(): Node {
    const c = this.peek();
    if (c === 'r' || c === 'V' || c === 'K') {
      const q = this.cvQualifiers();
      // Qualifiers before a function type qualify `this`; the bare function type is no candidate.
      const inner = this.peek() === 'F' ? this.functionType() : this.type();
      return this.add({ k: 'cv', inner, q });
    }
    let node: Node;
    switch (c) {
      case undefined:
        this.fail('expected a type');
      case 'P': this.i++; node = { k: 'ptr', inner: this.type() }; break;
      case 'R': this.i++; node = { k: 'ref', inner: this.type() }; break;
      case 'O': this.i++; node = { k: 'rref', inner: this.type() }; break;
      case 'C': this.i++; node = { k: 'postfix', inner: this.type(), s: ' _Complex' }; break;
      case 'G': this.i++; node = { k: 'postfix', inner: this.type(), s: ' _Imaginary' }; break;
      case 'F': node = this.functionType(); break;
      case 'A': node = this.arrayType(); break;
      case 'M': {
        this.i++;
        const cls = this.type();
        const member = this.type();
        node = { k: 'ptrmem', cls, member };
        break;
      }
      case 'T': {
        node = this.templateParam();
        if (this.peek() === 'I') {
          this.add(node);
          node = { k: 'tmpl', name: node, args: this.templateArgs() };
        }
        break;
      }
      case 'S': {
        const next = this.peek(1);
        if (isDigit(next) || next === '_' || isUpper(next)) {
          node = this.substitution();
          if (this.peek() !== 'I') return node;
          node = { k: 'tmpl', name: node, args: this.templateArgs() };
        } else {
          const wasStd = next !== 't';
          node = this.name().node;
          // A bare std:: abbreviation (Sa, Ss, ...) names a complete type: no new candidate.
          if (wasStd && node.k === 'name') return node;
        }
        break;
      }
      case 'u': {
        this.i++;
        node = this.sourceName();
        break;
      }
      case 'U': {
        this.i++;
        const vendor = this.sourceName() as { s: string };
        let q: Node = { k: 'name', s: vendor.s };
        if (this.peek() === 'I') q = { k: 'tmpl', name: q, args: this.templateArgs() };
        const inner = this.type();
        node = { k: 'seq', parts: [{ k: 'sub', inner }, ' ', q] };
        break;
      }
      case 'D': {
        const d = this.peek(1);
        if (d === 't' || d === 'T') {
          this.i += 2;
          const e = this.expression();
          this.expect('E');
          node = { k: 'seq', parts: ['decltype (', e, ')'] };
          break;
        }
        if (d === 'o' || d === 'O' || d === 'w' || d === 'x') {
          const spec = this.exceptionSpec();
          const fn = this.type();
          if (fn.k !== 'fn') this.fail('exception specification on a non-function');
          fn.spec = spec;
          return fn;
        }
        if (d === 'p') {
          this.i += 2;
          node = { k: 'expansion', inner: this.type() };
          break;
        }
        if (d === 'v') {
          this.i += 2;
          let dim: Node;
          if (this.eat('_')) dim = this.expression();
          else dim = { k: 'name', s: String(this.number()) };
          this.expect('_');
          node = { k: 'vector', dim, inner: this.type() };
          break;
        }
        if (d === 'F') {
          this.i += 2;
          const bits = this.number();
          const x = this.eat('x') ? 'x' : '';
          this.expect('_');
          return { k: 'name', s: `_Float${bits}${x}` };
        }
        if (d !== undefined && BUILTIN_D[d]) {
          this.i += 2;
          return { k: 'name', s: BUILTIN_D[d] };
        }
        this.fail('unknown D type');
      }
      default: {
        if (c !== undefined && BUILTIN[c]) {
          this.i++;
          return { k: 'name', s: BUILTIN[c] };
        }
        if (isDigit(c) || c === 'N' || c === 'Z') {
          node = this.name().node;
          break;
        }
        this.fail(`unknown type ${c}`);
      }
    }
    return this.add(node);
  }

  /** Do (noexcept), DO <expr> E (noexcept(expr)), Dw <type>* E (throw(types)), Dx (transaction_safe). */
  private exceptionSpec(): Node {
    const d = this.s[this.i + 1];
    this.i += 2;
    if (d === 'o') return { k: 'name', s: ' noexcept' };
    if (d === 'x') return { k: 'name', s: ' transaction_safe' };
    if (d === 'O') {
      const e = this.expression();
      this.expect('E');
      return { k: 'seq', parts: [' noexcept(', e, ')'] };
    }
    const types: Node[] = [];
    while (!this.eat('E')) {
      if (this.i >= this.s.length) this.fail('unterminated throw()');
      types.push(this.type());
    }
    return { k: 'seq', parts: [' throw(', { k: 'sub', inner: { k: 'fn', params: types, cv: [], ref: '' } }, ')'] };
  }

  private functionType(): Node {
    this.expect('F');
    this.eat('Y');
    const fn = this.bareFunctionType(true);
    if (this.eat('R')) fn.ref = '&';
    else if (this.eat('O')) fn.ref = '&&';
    this.expect('E');
    return fn;
  }

  private arrayType(): Node {
    this.expect('A');
    let dim: Node | undefined;
    if (isDigit(this.peek())) dim = { k: 'name', s: String(this.number()) };
    else if (this.peek() !== '_') dim = this.expression();
    this.expect('_');
    return { k: 'array', dim, inner: this.type() };
  }

  private exprPrimary(): Node {
    this.expect('L');
    if (this.eat('_Z')) {
      const e = this.encoding(false);
      this.expect('E');
      return e;
    }
    const type = this.type();
    const start = this.i;
    while (this.peek() !== 'E') {
      if (this.i >= this.s.length) this.fail('unterminated literal');
      this.i++;
    }
    let value = this.s.slice(start, this.i);
    this.i++;
    if (value.startsWith('n')) value = `-${value.slice(1)}`;
    return { k: 'lit', type, value };
  }

  /**
   * sr <unresolved-type> <base-unresolved-name>
   * srN <unresolved-type> <unresolved-qualifier-level>+ E <base-unresolved-name>
   * sr <unresolved-qualifier-level>+ E <base-unresolved-name>
   */
  private unresolvedName(): Node {
    this.expect('sr');
    const level = (): Node => {
      const name = this.sourceName();
      return this.peek() === 'I' ? { k: 'tmpl', name, args: this.templateArgs() } : name;
    };
    let scope: Node;
    if (this.eat('N')) {
      scope = this.type();
      while (!this.eat('E')) scope = { k: 'qual', scope, name: level() };
    } else if (this.peek() === 'T' || this.peek() === 'D' || this.peek() === 'S') {
      scope = this.type();
    } else {
      scope = level();
      while (!this.eat('E')) scope = { k: 'qual', scope, name: level() };
    }
    const name = this.peek() === 'o' && this.peek(1) === 'n' ? (this.i += 2, this.operatorName()) : this.unqualifiedName();
    const node: Node = { k: 'qual', scope, name };
    return this.peek() === 'I' ? { k: 'tmpl', name: node, args: this.templateArgs() } : node;
  }

  private expression(): Node {
    const c = this.peek();
    if (c === 'L') return this.exprPrimary();
    if (c === 'T') return this.templateParam();
    if (c === 'f' && this.peek(1) === 'p') {
      this.i += 2;
      this.cvQualifiers();
      const n = this.peek() === '_' ? 1 : this.number() + 2;
      this.expect('_');
      return { k: 'name', s: `{parm#${n}}` };
    }
    if (c === 's' && this.peek(1) === 'r') return this.unresolvedName();
    if (c === 's' && this.peek(1) === 'Z') {
      this.i += 2;
      if (this.peek() === 'T') return { k: 'packsize', param: this.templateParam() as Extract<Node, { k: 'tparam' }> };
      return { k: 'seq', parts: ['sizeof...(', this.expression(), ')'] };
    }
    if (c === 's' && this.peek(1) === 'p') {
      this.i += 2;
      return { k: 'expansion', inner: this.expression() };
    }
    if (isDigit(c)) {
      const name = this.sourceName();
      if (this.peek() === 'I') return { k: 'tmpl', name, args: this.templateArgs() };
      return name;
    }
    if (c === 'o' && this.peek(1) === 'n') {
      this.i += 2;
      const name = this.operatorName();
      if (this.peek() === 'I') return { k: 'tmpl', name, args: this.templateArgs() };
      return name;
    }
    const code = this.s.slice(this.i, this.i + 2);
    const op = OPERATORS[code];
    if (!op) this.fail(`unknown expression ${code}`);
    this.i += 2;
    switch (code) {
      case 'st': case 'at':
        return { k: 'seq', parts: [op[0], '(', { k: 'sub', inner: this.type() }, ')'] };
      case 'sz': case 'az': {
        const e = this.expression();
        return { k: 'seq', parts: [op[0], ...paren(e)] };
      }
      case 'cl': {
        const callee = this.expression();
        const args: Array<string | Node> = [];
        while (!this.eat('E')) {
          if (this.i >= this.s.length) this.fail('unterminated call');
          if (args.length) args.push(', ');
          args.push(this.expression());
        }
        return { k: 'seq', parts: [...paren(callee), '(', ...args, ')'] };
      }
      case 'dt': case 'pt': {
        const obj = this.expression();
        const member = this.expression();
        return { k: 'seq', parts: [...paren(obj), op[0], member] };
      }
      case 'tr':
        return { k: 'name', s: 'throw' };
    }
    if (op[1] === 1) {
      let e = this.expression();
      // libiberty prints the address of a qualified function without its parameter list.
      if (code === 'ad' && e.k === 'encoding' && e.fn && e.name.k === 'qual') e = e.name;
      return { k: 'seq', parts: [op[0], ...paren(e)] };
    }
    if (op[1] === 2) {
      const a = this.expression();
      const b = this.expression();
      return { k: 'seq', parts: [...paren(a), op[0], ...paren(b)] };
    }
    const a = this.expression();
    const b = this.expression();
    const d = this.expression();
    return { k: 'seq', parts: [...paren(a), '?', ...paren(b), ' : ', ...paren(d)] };
  }
}

/** libiberty parenthesises every operand except names and function parameters. */
function paren(e: Node): Array<string | Node> {
  if (e.k === 'name' || e.k === 'qual') return [e];
  return ['(', e, ')'];
}

/** Whether a function's mangled signature starts with its return type: templates, except ctors, dtors and conversions. */
function hasReturnType(name: Node): boolean {
  if (name.k === 'local') return hasReturnType(name.entity);
  if (name.k !== 'tmpl') return false;
  return !isCtorDtorConv(name.name);
}

function isCtorDtorConv(n: Node): boolean {
  switch (n.k) {
    case 'qual': return isCtorDtorConv(n.name);
    case 'local': return isCtorDtorConv(n.entity);
    case 'abi': return isCtorDtorConv(n.inner);
    case 'ctor': case 'conv': return true;
    default: return false;
  }
}

const QUAL_ORDER = ['const', 'volatile', 'restrict'];
/** Qualifiers print in the opposite order to their mangling: `int const volatile restrict`. */
const quals = (q: string[]): string =>
  [...q].sort((a, b) => QUAL_ORDER.indexOf(a) - QUAL_ORDER.indexOf(b)).map((x) => ` ${x}`).join('');

class Printer {
  /** While expanding a pack expansion: which element a pack parameter stands for. */
  private packIndex: number | undefined;
  /**
   * Template argument lists in scope, innermost last. As in libiberty, a
   * template parameter means an argument of the template being printed (the
   * function whose signature this is), wherever the parameter was parsed.
   */
  private templates: Node[][] = [];
  /** Printing a lambda's parameters, where a template parameter shows as `auto:N`. */
  private lambdaArgs = false;

  /** Guards against cycles (a template parameter whose argument refers to itself) and absurd nesting. */
  private depth = 0;

  print(n: Node): string {
    if (++this.depth > 256) throw new DemangleError('nesting too deep');
    try {
      return this.printNode(n);
    } finally {
      this.depth--;
    }
  }

  private printNode(n: Node): string {
    switch (n.k) {
      case 'name': return n.s;
      case 'qual': return `${this.print(n.scope)}::${this.print(n.name)}`;
      case 'tmpl': {
        let s = this.print(n.name);
        if (s.endsWith('<')) s += ' ';
        let args = this.args(n.args);
        // libiberty avoids '>>' by looking at the last character it wrote; when a
        // trailing empty pack un-writes its ", ", that character is the space.
        const last = n.args[n.args.length - 1];
        const trailingEmpty = n.args.length > 1 && last.k === 'pack' && this.args(last.elems) === '';
        if (args.endsWith('>') && !trailingEmpty) args += ' ';
        return `${s}<${args}>`;
      }
      case 'abi': return this.print(n.inner) + n.tags.map((t) => `[abi:${t}]`).join('');
      case 'local': return `${this.print(n.fn)}::${this.print(n.entity)}`;
      case 'special': return n.prefix + this.printType(n.inner);
      case 'ctor': return n.name;
      case 'conv': return `operator ${this.printType(n.type)}`;
      case 'encoding': return this.encoding(n);
      case 'clone': return `${this.print(n.inner)} [clone ${n.suffix}]`;
      case 'lit': return this.literal(n.type, n.value);
      case 'seq': return n.parts.map((p) => (typeof p === 'string' ? p : this.print(p))).join('');
      case 'sub': return n.inner.k === 'fn' ? this.params(n.inner.params) : this.printType(n.inner);
      case 'packsize':
        // libiberty prints sizeof...(pack) as the pack's length.
        return this.withArg(n.param, (a) => (a.k === 'pack' ? String(a.elems.length) : `sizeof...(${this.print(a)})`));
      case 'lambda': {
        const saved = this.lambdaArgs;
        this.lambdaArgs = true;
        try {
          return `{lambda(${this.params(n.params)})#${n.n}}`;
        } finally {
          this.lambdaArgs = saved;
        }
      }
      case 'tparam':
        if (this.lambdaArgs) return `auto:${n.index + 1}`;
        return this.withArg(n, (a) => this.print(a));
      case 'pack': return this.args(n.elems);
      default: return this.printType(n);
    }
  }

  private lookup(index: number): Node | undefined {
    return this.templates[this.templates.length - 1]?.[index];
  }

  /** Prints template parameter `n` as its argument, with that argument's own parameters one scope out. */
  private withArg<T>(n: Extract<Node, { k: 'tparam' }>, f: (arg: Node) => T): T {
    let arg = this.lookup(n.index);
    if (!arg) throw new DemangleError(`template parameter ${n.index} unresolved`);
    if (arg.k === 'pack' && this.packIndex !== undefined) {
      arg = arg.elems[this.packIndex];
      if (!arg) throw new DemangleError('pack index out of range');
    }
    const scope = this.templates.pop()!;
    try {
      return f(arg);
    } finally {
      this.templates.push(scope);
    }
  }

  /** The argument a template parameter stands for, as a node (for structural tests, not printing). */
  private resolve(n: Extract<Node, { k: 'tparam' }>): Node {
    return this.withArg(n, (a) => a);
  }

  private encoding(e: Extract<Node, { k: 'encoding' }>): string {
    if (!e.fn) return this.print(e.name);
    // A template function's arguments are in scope for its whole signature.
    let typed = e.name;
    if (typed.k === 'local') typed = typed.entity;
    const pushed = typed.k === 'tmpl';
    if (typed.k === 'tmpl') this.templates.push(typed.args);
    try {
      const fn = e.fn;
      const name = this.print(e.name);
      const ret = fn.ret ? `${this.printType(fn.ret)} ` : '';
      return `${ret}${name}(${this.params(fn.params)})${quals(fn.cv)}${fn.ref ? ` ${fn.ref}` : ''}`;
    } finally {
      if (pushed) this.templates.pop();
    }
  }

  private params(params: Node[]): string {
    return this.list(params, (p) => this.printType(p));
  }

  private args(args: Node[]): string {
    return this.list(args, (a) => (a.k === 'lit' || a.k === 'seq' || a.k === 'encoding' ? this.print(a) : a.k === 'pack' ? this.args(a.elems) : this.printType(a)));
  }

  /** Prints a list, expanding pack expansions into one item per pack element. */
  private list(items: Node[], each: (n: Node) => string): string {
    const out: string[] = [];
    for (const item of items) {
      if (item.k === 'expansion') {
        const len = this.packLength(item.inner);
        if (len === undefined) {
          out.push(`${each(item.inner)}...`);
          continue;
        }
        const saved = this.packIndex;
        for (let i = 0; i < len; i++) {
          this.packIndex = i;
          out.push(each(item.inner));
        }
        this.packIndex = saved;
      } else if (item.k === 'tparam' && !this.lambdaArgs && this.packIndex === undefined && this.lookup(item.index)?.k === 'pack') {
        const s = this.withArg(item, (pack) => this.args((pack as Extract<Node, { k: 'pack' }>).elems));
        if (s) out.push(s);
      } else {
        out.push(each(item));
      }
    }
    return out.filter((s) => s !== '').join(', ');
  }

  /** The length of the first pack a pattern refers to, if any. */
  private packLength(n: Node): number | undefined {
    const visit = (x: Node): number | undefined => {
      switch (x.k) {
        case 'tparam': {
          const arg = this.lookup(x.index);
          return arg?.k === 'pack' ? arg.elems.length : undefined;
        }
        case 'ptr': case 'ref': case 'rref': case 'cv': case 'postfix': case 'expansion': case 'sub':
          return visit(x.inner);
        case 'tmpl': {
          for (const a of x.args) {
            const r = visit(a);
            if (r !== undefined) return r;
          }
          return visit(x.name);
        }
        case 'fn': {
          for (const p of [x.ret, ...x.params]) {
            const r = p && visit(p);
            if (r !== undefined) return r;
          }
          return undefined;
        }
        case 'qual': return visit(x.scope) ?? visit(x.name);
        case 'seq': {
          for (const p of x.parts) {
            const r = typeof p === 'string' ? undefined : visit(p);
            if (r !== undefined) return r;
          }
          return undefined;
        }
        case 'array': return visit(x.inner);
        case 'ptrmem': return visit(x.cls) ?? visit(x.member);
        default: return undefined;
      }
    };
    return visit(n);
  }

  private literal(type: Node, value: string): string {
    const t = type.k === 'name' ? type.s : undefined;
    switch (t) {
      case 'int': return value;
      case 'unsigned int': return `${value}u`;
      case 'long': return `${value}l`;
      case 'unsigned long': return `${value}ul`;
      case 'long long': return `${value}ll`;
      case 'unsigned long long': return `${value}ull`;
      case 'bool':
        if (value === '0') return 'false';
        if (value === '1') return 'true';
        break;
      case 'decltype(nullptr)':
        if (value === '0' || value === '') return 'nullptr';
        break;
    }
    return `(${this.printType(type)})${value}`;
  }

  printType(n: Node): string {
    return this.decl(n, '');
  }

  /** Whether a type prints around its declarator: a pointer or reference to a function or array. */
  private isDeclarator(n: Node): boolean {
    for (;;) {
      if (n.k === 'tparam' && !this.lambdaArgs) n = this.resolve(n);
      else if (n.k === 'ptr' || n.k === 'ref' || n.k === 'rref' || n.k === 'cv') n = n.inner;
      else return n.k === 'fn' || n.k === 'array';
    }
  }

  /** Prints type `n` around declarator `d`, C style: `char const*`, `void (*)(int)`, `int (&) [3]`. */
  private decl(n: Node, d: string): string {
    if (++this.depth > 256) throw new DemangleError('nesting too deep');
    try {
      return this.declNode(n, d);
    } finally {
      this.depth--;
    }
  }

  private declNode(n: Node, d: string): string {
    switch (n.k) {
      case 'tparam':
        if (this.lambdaArgs) return d.startsWith('(') ? `auto:${n.index + 1} ${d}` : `auto:${n.index + 1}${d}`;
        return this.withArg(n, (a) => this.decl(a, d));
      case 'ptr': return this.decl(n.inner, `*${d}`);
      case 'ref': case 'rref': {
        // Reference collapsing: T& with T = int&& is int&.
        let inner = n.inner;
        let kind = n.k;
        while (inner.k === 'tparam' && !this.lambdaArgs) inner = this.resolve(inner);
        if (inner.k === 'ref' || inner.k === 'rref') {
          kind = kind === 'rref' && inner.k === 'rref' ? 'rref' : 'ref';
          inner = inner.inner;
        }
        return this.decl(inner, `${kind === 'ref' ? '&' : '&&'}${d}`);
      }
      case 'cv': {
        let inner = n.inner;
        while (inner.k === 'tparam' && !this.lambdaArgs) inner = this.resolve(inner);
        if (inner.k === 'fn') return this.decl({ ...inner, cv: [...inner.cv, ...n.q] }, d);
        // Qualifying an array qualifies its elements: char const (&) [15].
        if (inner.k === 'array') return this.decl({ ...inner, inner: { k: 'cv', inner: inner.inner, q: n.q } }, d);
        // A qualifier the type already has prints once: T const with T = char const.
        if (inner.k === 'cv') return this.decl({ k: 'cv', inner: inner.inner, q: [...new Set([...inner.q, ...n.q])] }, d);
        return this.decl(inner, `${quals(n.q)}${d}`);
      }
      case 'fn': {
        const tail = `(${this.params(n.params)})${quals(n.cv)}${n.ref ? ` ${n.ref}` : ''}${n.spec ? this.print(n.spec) : ''}`;
        const declarator = d ? `(${d.trimStart()})${tail}` : tail;
        if (!n.ret) return declarator;
        // A return type that is itself a declarator (pointer to function) wraps this one.
        if (this.isDeclarator(n.ret)) return this.decl(n.ret, declarator);
        return `${this.printType(n.ret)} ${declarator}`;
      }
      case 'array': {
        const dim = `[${n.dim ? this.print(n.dim) : ''}]`;
        if (d.endsWith(']')) return this.decl(n.inner, `${d}${dim}`);
        return this.decl(n.inner, d ? ` (${d.trimStart()}) ${dim}` : ` ${dim}`);
      }
      case 'ptrmem': {
        let member = n.member;
        while (member.k === 'tparam' && !this.lambdaArgs) member = this.resolve(member);
        const isFn = member.k === 'fn' || (member.k === 'cv' && member.inner.k === 'fn');
        const cls = this.printType(n.cls);
        return this.decl(member, isFn ? `${cls}::*${d}` : ` ${cls}::*${d}`);
      }
      case 'postfix': return this.decl(n.inner, `${n.s}${d}`);
      case 'vector': return this.decl(n.inner, ` __vector(${this.print(n.dim)})${d}`);
      case 'expansion': return `${this.decl(n.inner, d)}...`;
      default: {
        const base = this.print(n);
        if (!d) return base;
        return d.startsWith('(') ? `${base} ${d}` : base + d;
      }
    }
  }
}
