// Runs a goref request on engines/gotemplate, answering in goref's shape.
import {
  Template,
  TemplateError,
  TemplateExecError,
  TemplateParseError,
  utf8Encode,
} from '../../src/engines/gotemplate/index.ts';
import { decodeData, FUNCS } from './funcs.ts';
import type { GoRefRequest, GoRefResponse } from './goref.ts';

/** runOurs executes `req` as goref does: parse each template into one set, then execute `exec` on `data`. */
export function runOurs(req: GoRefRequest): GoRefResponse {
  const rootName = req.root ?? 't';
  let t: Template;
  try {
    t = new Template(rootName).funcs(FUNCS);
    if (req.options !== undefined && req.options.length > 0) t.option(...req.options);
    if (req.delims !== undefined) t.delims(req.delims[0], req.delims[1]);
    for (const [name, text] of req.templates) (name === rootName ? t : t.new(name)).parse(text);
  } catch (err) {
    if (err instanceof TemplateParseError) return { error: err.message, phase: 'parse' };
    if (err instanceof TemplateError) return { error: err.message, phase: 'panic' };
    throw err;
  }
  try {
    const out = t.executeTemplate(req.exec ?? rootName, decodeData(structuredClone(req.data ?? null)));
    // goref answers in JSON, where Go's encoder turns invalid UTF-8 into U+FFFD: compare our bytes the same way.
    return { output: Buffer.from(utf8Encode(out)).toString('utf8') };
  } catch (err) {
    if (err instanceof TemplateExecError || err instanceof TemplateError) return { error: err.message, phase: 'exec' };
    throw err;
  }
}
