// The commit message of an image update: `spec.git.commit.messageTemplate` rendered with Go's text/template, Sprig's
// hermetic functions and image-automation-controller's template data (`.AutomationObject`, `.Changed` with its
// `FileChanges`, `Changes` and `Objects`, `.Values`), as Go types so templates behave as they do in Flux.
import {
  GoKeyedMap,
  GoStruct,
  GoType,
  goMethod,
  mapOf,
  sliceOf,
  STRING,
  structType,
  Template,
  withGoType,
  MAP_STRING,
  type GoMap,
  type GoValue,
} from '../gotemplate/index.ts';
import { sprigFunctions } from '../sprig/index.ts';
import { FluxtsError, errorMessage } from '../../util/errors.ts';
import type { ObjectChanges } from './update.ts';

/** DEFAULT_MESSAGE_TEMPLATE is Flux's message when `messageTemplate` is empty. */
export const DEFAULT_MESSAGE_TEMPLATE = 'Update from image update automation';

/** CommitMessageError: the template does not parse or fails to run; Flux's message prefixes. */
export class CommitMessageError extends FluxtsError {}

/** RemovedTemplateFieldError: the template uses `.Updated` or `.Changed.ImageResult`, removed in Flux v2.7. */
export class RemovedTemplateFieldError extends FluxtsError {}

const field = (name: string, type: GoType) => ({ name, type, exported: true });
const str = (v: GoValue | undefined): string => (typeof v === 'string' ? v : '');

const CHANGE = structType('update.Change', [
  field('OldValue', STRING),
  field('NewValue', STRING),
  field('Setter', STRING),
]);
// kyaml's ResourceIdentifier is embedded in Flux's ObjectIdentifier; its promoted fields are flattened here.
const OBJECT_ID = structType('update.ObjectIdentifier', [
  field('APIVersion', STRING),
  field('Kind', STRING),
  field('Name', STRING),
  field('Namespace', STRING),
]);
const CHANGES = sliceOf(CHANGE);
const OBJECT_CHANGES = new GoType({
  name: 'update.ObjectChanges',
  kind: 'map',
  key: OBJECT_ID,
  elem: CHANGES,
  underlying: new GoType({
    name: 'map[update.ObjectIdentifier][]update.Change',
    kind: 'map',
    key: OBJECT_ID,
    elem: CHANGES,
  }),
});
const FILE_CHANGES = mapOf(STRING, OBJECT_CHANGES);
const RESULT: GoType = structType('update.Result', [field('FileChanges', FILE_CHANGES)], {
  Changes: goMethod(
    new GoType<GoStruct>({ name: 'update.Result', kind: 'struct' }),
    [],
    (self) => withGoType(resultChanges(self), CHANGES),
    { type: CHANGES },
  ),
  Objects: goMethod(
    new GoType<GoStruct>({ name: 'update.Result', kind: 'struct' }),
    [],
    (self) => resultObjects(self),
    {
      type: OBJECT_CHANGES,
    },
  ),
});
const NAMESPACED_NAME = structType('types.NamespacedName', [field('Namespace', STRING), field('Name', STRING)], {
  String: goMethod(
    new GoType<GoStruct>({ name: 'types.NamespacedName', kind: 'struct' }),
    [],
    (self) => `${str(self.fields['Namespace'])}/${str(self.fields['Name'])}`,
    { type: STRING },
  ),
});
const TEMPLATE_DATA = structType('source.TemplateData', [
  field('AutomationObject', NAMESPACED_NAME),
  field('Changed', RESULT),
  field('Values', MAP_STRING),
]);

function fileChangesOf(result: GoStruct): [string, GoKeyedMap][] {
  const files = result.fields['FileChanges'] as GoMap;
  return Object.keys(files)
    .sort()
    .map((f) => [f, files[f] as unknown as GoKeyedMap]);
}

/** Result.Changes(): every distinct change, in file then object order (Flux's order follows Go's map order). */
function resultChanges(result: GoStruct): GoValue[] {
  const seen = new Set<string>();
  const out: GoValue[] = [];
  for (const [, objects] of fileChangesOf(result)) {
    for (const [, changes] of objects.entries) {
      for (const c of changes as GoStruct[]) {
        const key = JSON.stringify([c.fields['OldValue'], c.fields['NewValue'], c.fields['Setter']]);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(c);
      }
    }
  }
  return out;
}

/** Result.Objects(): the changes per object across files; a later file's entry for the same object wins. */
function resultObjects(result: GoStruct): GoKeyedMap {
  const byKey = new Map<string, [GoValue, GoValue]>();
  for (const [, objects] of fileChangesOf(result)) {
    for (const [id, changes] of objects.entries) byKey.set(objectKey(id as GoStruct), [id, changes]);
  }
  return new GoKeyedMap(OBJECT_CHANGES, byKey.values());
}

function objectKey(id: GoStruct): string {
  return JSON.stringify(OBJECT_ID.fields.map((f) => id.fields[f.name]));
}

/** MessageData is what the message is rendered from. */
export interface MessageData {
  automation: { namespace: string; name: string };
  fileChanges: ReadonlyMap<string, readonly ObjectChanges[]>;
  values?: Record<string, string>;
}

/** templateData builds Flux's TemplateData as Go values. */
export function templateData(data: MessageData): GoStruct {
  const files: GoMap = {};
  for (const [file, objects] of data.fileChanges) {
    files[file] = new GoKeyedMap(
      OBJECT_CHANGES,
      objects.map((o) => [
        new GoStruct(OBJECT_ID, {
          APIVersion: o.object.apiVersion,
          Kind: o.object.kind,
          Name: o.object.name,
          Namespace: o.object.namespace,
        }),
        withGoType(
          o.changes.map((c) => new GoStruct(CHANGE, { OldValue: c.oldValue, NewValue: c.newValue, Setter: c.setter })),
          CHANGES,
        ),
      ]),
    );
  }
  return new GoStruct(TEMPLATE_DATA, {
    AutomationObject: new GoStruct(NAMESPACED_NAME, {
      Namespace: data.automation.namespace,
      Name: data.automation.name,
    }),
    Changed: new GoStruct(RESULT, { FileChanges: withGoType(files, FILE_CHANGES) }),
    Values: withGoType({ ...(data.values ?? {}) }, MAP_STRING),
  });
}

// Sprig's non-hermetic functions (clock, randomness, environment, network), which Flux leaves out.
const NON_HERMETIC = [
  'date',
  'date_in_zone',
  'date_modify',
  'now',
  'htmlDate',
  'htmlDateInZone',
  'dateInZone',
  'dateModify',
  'randAlphaNum',
  'randAlpha',
  'randAscii',
  'randNumeric',
  'randBytes',
  'uuidv4',
  'env',
  'expandenv',
  'getHostByName',
];
const REMOVED_FIELDS = /\.Updated\b|\.Changed\.ImageResult\b/u;

let hermetic: ReturnType<typeof sprigFunctions> | undefined;

/**
 * renderCommitMessage renders `template` (Flux's default when empty) for the data. Throws
 * RemovedTemplateFieldError (the controller stalls) or CommitMessageError with Flux's prefixes.
 * @example renderCommitMessage('{{ .AutomationObject }}: {{ len .Changed.Changes }}', data) // 'ns/auto: 2'
 */
export function renderCommitMessage(template: string | undefined, data: MessageData): string {
  const text = template || DEFAULT_MESSAGE_TEMPLATE;
  const removed = REMOVED_FIELDS.exec(text);
  if (removed) {
    throw new RemovedTemplateFieldError(
      `commit message template uses the removed field '${removed[0]}': use .Changed (FileChanges, Changes, Objects) instead`,
    );
  }
  if (!hermetic) {
    const all = sprigFunctions();
    hermetic = Object.fromEntries(Object.entries(all).filter(([name]) => !NON_HERMETIC.includes(name)));
  }
  let t: Template;
  try {
    t = new Template('commit message').funcs(hermetic).parse(text);
  } catch (err) {
    throw new CommitMessageError(`unable to create commit message template from spec: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  try {
    return t.execute(templateData(data));
  } catch (err) {
    throw new CommitMessageError(`failed to run template from spec: ${errorMessage(err)}`, { cause: err });
  }
}
