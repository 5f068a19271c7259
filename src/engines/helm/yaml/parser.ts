import { type Mark, YamlError } from './errors.ts';
import type { Scanner } from './scanner.ts';
import { ScalarStyle, T, type Token } from './scanner.ts';

/**
 * The event parser of the go-yaml v2 compatible reader: libyaml's grammar as an explicit state machine (so deep
 * nesting cannot exhaust the JavaScript stack), with go-yaml's messages and marks.
 */

export const E = {
  StreamStart: 1,
  StreamEnd: 2,
  DocumentStart: 3,
  DocumentEnd: 4,
  Alias: 5,
  Scalar: 6,
  SequenceStart: 7,
  SequenceEnd: 8,
  MappingStart: 9,
  MappingEnd: 10,
} as const;
export type EventType = (typeof E)[keyof typeof E];

export interface YamlEvent {
  type: EventType;
  start: Mark;
  end: Mark;
  anchor: string;
  tag: string;
  value: string;
  /** implicit: a plain scalar without tag (its type is resolved from the text). */
  implicit: boolean;
  style: ScalarStyle;
}

const S = {
  StreamStart: 0,
  ImplicitDocumentStart: 1,
  DocumentStart: 2,
  DocumentContent: 3,
  DocumentEnd: 4,
  BlockNode: 5,
  BlockNodeOrIndentlessSequence: 6,
  FlowNode: 7,
  BlockSequenceFirstEntry: 8,
  BlockSequenceEntry: 9,
  IndentlessSequenceEntry: 10,
  BlockMappingFirstKey: 11,
  BlockMappingKey: 12,
  BlockMappingValue: 13,
  FlowSequenceFirstEntry: 14,
  FlowSequenceEntry: 15,
  FlowSequenceEntryMappingKey: 16,
  FlowSequenceEntryMappingValue: 17,
  FlowSequenceEntryMappingEnd: 18,
  FlowMappingFirstKey: 19,
  FlowMappingKey: 20,
  FlowMappingValue: 21,
  FlowMappingEmptyValue: 22,
  End: 23,
} as const;
type State = (typeof S)[keyof typeof S];

const DEFAULT_TAGS: [string, string][] = [
  ['!', '!'],
  ['!!', 'tag:yaml.org,2002:'],
];

function event(type: EventType, start: Mark, end: Mark): YamlEvent {
  return { type, start, end, anchor: '', tag: '', value: '', implicit: false, style: ScalarStyle.Plain };
}

export class Parser {
  private readonly scanner: Scanner;
  private state: State = S.StreamStart;
  private readonly states: State[] = [];
  private readonly marks: Mark[] = [];
  private tagDirectives: [string, string][] = [];
  private done = false;

  constructor(scanner: Scanner) {
    this.scanner = scanner;
  }

  /** next returns the next event; after the stream end it keeps returning undefined. */
  next(): YamlEvent | undefined {
    if (this.done || this.state === S.End) return undefined;
    const ev = this.dispatch();
    if (ev.type === E.StreamEnd) this.done = true;
    return ev;
  }

  private parserError(problem: string, problemMark: Mark, contextMark?: Mark): YamlError {
    return YamlError.located('parser', problem, problemMark, contextMark);
  }

  private popState(): void {
    this.state = this.states.pop()!;
  }

  private dispatch(): YamlEvent {
    switch (this.state) {
      case S.StreamStart:
        return this.streamStart();
      case S.ImplicitDocumentStart:
        return this.documentStart(true);
      case S.DocumentStart:
        return this.documentStart(false);
      case S.DocumentContent:
        return this.documentContent();
      case S.DocumentEnd:
        return this.documentEnd();
      case S.BlockNode:
        return this.node(true, false);
      case S.BlockNodeOrIndentlessSequence:
        return this.node(true, true);
      case S.FlowNode:
        return this.node(false, false);
      case S.BlockSequenceFirstEntry:
        return this.blockSequenceEntry(true);
      case S.BlockSequenceEntry:
        return this.blockSequenceEntry(false);
      case S.IndentlessSequenceEntry:
        return this.indentlessSequenceEntry();
      case S.BlockMappingFirstKey:
        return this.blockMappingKey(true);
      case S.BlockMappingKey:
        return this.blockMappingKey(false);
      case S.BlockMappingValue:
        return this.blockMappingValue();
      case S.FlowSequenceFirstEntry:
        return this.flowSequenceEntry(true);
      case S.FlowSequenceEntry:
        return this.flowSequenceEntry(false);
      case S.FlowSequenceEntryMappingKey:
        return this.flowSequenceEntryMappingKey();
      case S.FlowSequenceEntryMappingValue:
        return this.flowSequenceEntryMappingValue();
      case S.FlowSequenceEntryMappingEnd:
        return this.flowSequenceEntryMappingEnd();
      case S.FlowMappingFirstKey:
        return this.flowMappingKey(true);
      case S.FlowMappingKey:
        return this.flowMappingKey(false);
      case S.FlowMappingValue:
        return this.flowMappingValue(false);
      case S.FlowMappingEmptyValue:
        return this.flowMappingValue(true);
      default:
        throw new Error('invalid parser state');
    }
  }

  private streamStart(): YamlEvent {
    const token = this.scanner.peek();
    if (token.type !== T.StreamStart) throw this.parserError('did not find expected <stream-start>', token.start);
    this.state = S.ImplicitDocumentStart;
    this.scanner.skipToken();
    return event(E.StreamStart, token.start, token.end);
  }

  private documentStart(implicit: boolean): YamlEvent {
    let token = this.scanner.peek();
    if (!implicit) {
      while (token.type === T.DocumentEnd) {
        this.scanner.skipToken();
        token = this.scanner.peek();
      }
    }
    if (
      implicit &&
      token.type !== T.VersionDirective &&
      token.type !== T.TagDirective &&
      token.type !== T.DocumentStart &&
      token.type !== T.StreamEnd
    ) {
      this.processDirectives();
      this.states.push(S.DocumentEnd);
      this.state = S.BlockNode;
      return event(E.DocumentStart, token.start, token.end);
    }
    if (token.type !== T.StreamEnd) {
      const start = token.start;
      this.processDirectives();
      token = this.scanner.peek();
      if (token.type !== T.DocumentStart) throw this.parserError('did not find expected <document start>', token.start);
      this.states.push(S.DocumentEnd);
      this.state = S.DocumentContent;
      this.scanner.skipToken();
      return event(E.DocumentStart, start, token.end);
    }
    this.state = S.End;
    this.scanner.skipToken();
    return event(E.StreamEnd, token.start, token.end);
  }

  private documentContent(): YamlEvent {
    const token = this.scanner.peek();
    if (
      token.type === T.VersionDirective ||
      token.type === T.TagDirective ||
      token.type === T.DocumentStart ||
      token.type === T.DocumentEnd ||
      token.type === T.StreamEnd
    ) {
      this.popState();
      return emptyScalar(token.start);
    }
    return this.node(true, false);
  }

  private documentEnd(): YamlEvent {
    const token = this.scanner.peek();
    const start = token.start;
    let end = token.start;
    if (token.type === T.DocumentEnd) {
      end = token.end;
      this.scanner.skipToken();
    }
    this.tagDirectives = [];
    this.state = S.DocumentStart;
    return event(E.DocumentEnd, start, end);
  }

  private node(block: boolean, indentlessSequence: boolean): YamlEvent {
    let token = this.scanner.peek();
    if (token.type === T.Alias) {
      this.popState();
      this.scanner.skipToken();
      const ev = event(E.Alias, token.start, token.end);
      ev.anchor = token.value;
      return ev;
    }
    let start = token.start;
    let end = token.start;
    let tagToken = false;
    let tagHandle = '';
    let tagSuffix = '';
    let anchor = '';
    let tagMark = token.start;
    if (token.type === T.Anchor) {
      anchor = token.value;
      start = token.start;
      end = token.end;
      this.scanner.skipToken();
      token = this.scanner.peek();
      if (token.type === T.Tag) {
        tagToken = true;
        tagHandle = token.value;
        tagSuffix = token.suffix;
        tagMark = token.start;
        end = token.end;
        this.scanner.skipToken();
        token = this.scanner.peek();
      }
    } else if (token.type === T.Tag) {
      tagToken = true;
      tagHandle = token.value;
      tagSuffix = token.suffix;
      start = token.start;
      tagMark = token.start;
      end = token.end;
      this.scanner.skipToken();
      token = this.scanner.peek();
      if (token.type === T.Anchor) {
        anchor = token.value;
        end = token.end;
        this.scanner.skipToken();
        token = this.scanner.peek();
      }
    }
    let tag = '';
    if (tagToken) {
      if (tagHandle === '') {
        tag = tagSuffix;
      } else {
        const directive = this.tagDirectives.find(([handle]) => handle === tagHandle);
        if (directive !== undefined) tag = directive[1] + tagSuffix;
        if (tag === '') throw this.parserError('found undefined tag handle', tagMark, start);
      }
    }
    const implicit = tag === '';
    const open = (type: EventType, style: ScalarStyle, next: State): YamlEvent => {
      const ev = event(type, start, token.end);
      ev.anchor = anchor;
      ev.tag = tag;
      ev.implicit = implicit;
      ev.style = style;
      this.state = next;
      return ev;
    };
    if (indentlessSequence && token.type === T.BlockEntry) {
      return open(E.SequenceStart, ScalarStyle.Plain, S.IndentlessSequenceEntry);
    }
    if (token.type === T.Scalar) {
      const ev = event(E.Scalar, start, token.end);
      ev.anchor = anchor;
      ev.tag = tag;
      ev.value = token.value;
      ev.implicit = (tag === '' && token.style === ScalarStyle.Plain) || tag === '!';
      ev.style = token.style;
      this.popState();
      this.scanner.skipToken();
      return ev;
    }
    if (token.type === T.FlowSequenceStart) return open(E.SequenceStart, ScalarStyle.Plain, S.FlowSequenceFirstEntry);
    if (token.type === T.FlowMappingStart) return open(E.MappingStart, ScalarStyle.Plain, S.FlowMappingFirstKey);
    if (block && token.type === T.BlockSequenceStart) {
      return open(E.SequenceStart, ScalarStyle.Plain, S.BlockSequenceFirstEntry);
    }
    if (block && token.type === T.BlockMappingStart) {
      return open(E.MappingStart, ScalarStyle.Plain, S.BlockMappingFirstKey);
    }
    if (anchor !== '' || tag !== '') {
      const ev = event(E.Scalar, start, end);
      ev.anchor = anchor;
      ev.tag = tag;
      ev.implicit = implicit;
      this.popState();
      return ev;
    }
    throw this.parserError('did not find expected node content', token.start, start);
  }

  private blockSequenceEntry(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.scanner.peek().start);
      this.scanner.skipToken();
    }
    let token = this.scanner.peek();
    if (token.type === T.BlockEntry) {
      const mark = token.end;
      this.scanner.skipToken();
      token = this.scanner.peek();
      if (token.type !== T.BlockEntry && token.type !== T.BlockEnd) {
        this.states.push(S.BlockSequenceEntry);
        return this.node(true, false);
      }
      this.state = S.BlockSequenceEntry;
      return emptyScalar(mark);
    }
    if (token.type === T.BlockEnd) {
      this.popState();
      this.marks.pop();
      this.scanner.skipToken();
      return event(E.SequenceEnd, token.start, token.end);
    }
    const context = this.marks.pop();
    throw this.parserError("did not find expected '-' indicator", token.start, context);
  }

  private indentlessSequenceEntry(): YamlEvent {
    let token = this.scanner.peek();
    if (token.type === T.BlockEntry) {
      const mark = token.end;
      this.scanner.skipToken();
      token = this.scanner.peek();
      if (token.type !== T.BlockEntry && token.type !== T.Key && token.type !== T.Value && token.type !== T.BlockEnd) {
        this.states.push(S.IndentlessSequenceEntry);
        return this.node(true, false);
      }
      this.state = S.IndentlessSequenceEntry;
      return emptyScalar(mark);
    }
    this.popState();
    return event(E.SequenceEnd, token.start, token.start);
  }

  private blockMappingKey(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.scanner.peek().start);
      this.scanner.skipToken();
    }
    let token = this.scanner.peek();
    if (token.type === T.Key) {
      const mark = token.end;
      this.scanner.skipToken();
      token = this.scanner.peek();
      if (token.type !== T.Key && token.type !== T.Value && token.type !== T.BlockEnd) {
        this.states.push(S.BlockMappingValue);
        return this.node(true, true);
      }
      this.state = S.BlockMappingValue;
      return emptyScalar(mark);
    }
    if (token.type === T.BlockEnd) {
      this.popState();
      this.marks.pop();
      this.scanner.skipToken();
      return event(E.MappingEnd, token.start, token.end);
    }
    const context = this.marks.pop();
    throw this.parserError('did not find expected key', token.start, context);
  }

  private blockMappingValue(): YamlEvent {
    let token = this.scanner.peek();
    if (token.type === T.Value) {
      const mark = token.end;
      this.scanner.skipToken();
      token = this.scanner.peek();
      if (token.type !== T.Key && token.type !== T.Value && token.type !== T.BlockEnd) {
        this.states.push(S.BlockMappingKey);
        return this.node(true, true);
      }
      this.state = S.BlockMappingKey;
      return emptyScalar(mark);
    }
    this.state = S.BlockMappingKey;
    return emptyScalar(token.start);
  }

  private flowSequenceEntry(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.scanner.peek().start);
      this.scanner.skipToken();
    }
    let token = this.scanner.peek();
    if (token.type !== T.FlowSequenceEnd) {
      if (!first) {
        if (token.type === T.FlowEntry) {
          this.scanner.skipToken();
          token = this.scanner.peek();
        } else {
          const context = this.marks.pop();
          throw this.parserError("did not find expected ',' or ']'", token.start, context);
        }
      }
      if (token.type === T.Key) {
        this.state = S.FlowSequenceEntryMappingKey;
        const ev = event(E.MappingStart, token.start, token.end);
        ev.implicit = true;
        this.scanner.skipToken();
        return ev;
      }
      if (token.type !== T.FlowSequenceEnd) {
        this.states.push(S.FlowSequenceEntry);
        return this.node(false, false);
      }
    }
    this.popState();
    this.marks.pop();
    this.scanner.skipToken();
    return event(E.SequenceEnd, token.start, token.end);
  }

  private flowSequenceEntryMappingKey(): YamlEvent {
    const token = this.scanner.peek();
    if (token.type !== T.Value && token.type !== T.FlowEntry && token.type !== T.FlowSequenceEnd) {
      this.states.push(S.FlowSequenceEntryMappingValue);
      return this.node(false, false);
    }
    const mark = token.end;
    this.scanner.skipToken();
    this.state = S.FlowSequenceEntryMappingValue;
    return emptyScalar(mark);
  }

  private flowSequenceEntryMappingValue(): YamlEvent {
    let token = this.scanner.peek();
    if (token.type === T.Value) {
      this.scanner.skipToken();
      token = this.scanner.peek();
      if (token.type !== T.FlowEntry && token.type !== T.FlowSequenceEnd) {
        this.states.push(S.FlowSequenceEntryMappingEnd);
        return this.node(false, false);
      }
    }
    this.state = S.FlowSequenceEntryMappingEnd;
    return emptyScalar(token.start);
  }

  private flowSequenceEntryMappingEnd(): YamlEvent {
    const token = this.scanner.peek();
    this.state = S.FlowSequenceEntry;
    return event(E.MappingEnd, token.start, token.start);
  }

  private flowMappingKey(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.scanner.peek().start);
      this.scanner.skipToken();
    }
    let token = this.scanner.peek();
    if (token.type !== T.FlowMappingEnd) {
      if (!first) {
        if (token.type === T.FlowEntry) {
          this.scanner.skipToken();
          token = this.scanner.peek();
        } else {
          const context = this.marks.pop();
          throw this.parserError("did not find expected ',' or '}'", token.start, context);
        }
      }
      if (token.type === T.Key) {
        this.scanner.skipToken();
        token = this.scanner.peek();
        if (token.type !== T.Value && token.type !== T.FlowEntry && token.type !== T.FlowMappingEnd) {
          this.states.push(S.FlowMappingValue);
          return this.node(false, false);
        }
        this.state = S.FlowMappingValue;
        return emptyScalar(token.start);
      }
      if (token.type !== T.FlowMappingEnd) {
        this.states.push(S.FlowMappingEmptyValue);
        return this.node(false, false);
      }
    }
    this.popState();
    this.marks.pop();
    this.scanner.skipToken();
    return event(E.MappingEnd, token.start, token.end);
  }

  private flowMappingValue(empty: boolean): YamlEvent {
    let token = this.scanner.peek();
    if (empty) {
      this.state = S.FlowMappingKey;
      return emptyScalar(token.start);
    }
    if (token.type === T.Value) {
      this.scanner.skipToken();
      token = this.scanner.peek();
      if (token.type !== T.FlowEntry && token.type !== T.FlowMappingEnd) {
        this.states.push(S.FlowMappingKey);
        return this.node(false, false);
      }
    }
    this.state = S.FlowMappingKey;
    return emptyScalar(token.start);
  }

  private processDirectives(): void {
    let token: Token = this.scanner.peek();
    let sawVersion = false;
    while (token.type === T.VersionDirective || token.type === T.TagDirective) {
      if (token.type === T.VersionDirective) {
        if (sawVersion) throw this.parserError('found duplicate %YAML directive', token.start);
        if (token.major !== 1 || token.minor !== 1) {
          throw this.parserError('found incompatible YAML document', token.start);
        }
        sawVersion = true;
      } else {
        if (this.tagDirectives.some(([handle]) => handle === token.value)) {
          throw this.parserError('found duplicate %TAG directive', token.start);
        }
        this.tagDirectives.push([token.value, token.suffix]);
      }
      this.scanner.skipToken();
      token = this.scanner.peek();
    }
    for (const [handle, prefix] of DEFAULT_TAGS) {
      if (!this.tagDirectives.some(([h]) => h === handle)) this.tagDirectives.push([handle, prefix]);
    }
  }
}

function emptyScalar(mark: Mark): YamlEvent {
  const ev = event(E.Scalar, mark, mark);
  ev.implicit = true;
  return ev;
}
