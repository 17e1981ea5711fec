import { CausedEvent, causationTree, CommandNode } from './causation-tree';

let position = 0n;
const event = (
  eventId: string,
  commandId: string,
  causationId: string,
  commandType?: string,
): CausedEvent => ({
  eventId,
  type: commandType ? 'CommandAccepted' : `Event${eventId}`,
  streamId: commandType ? `command-${commandId}` : `s-${eventId}`,
  position: ++position,
  commandId,
  causationId,
  ...(commandType ? { commandType } : {}),
});

/** command → its type, events, and what they caused, as nested lists of ids. */
const outline = (command: CommandNode): unknown => [
  command.commandId,
  command.commandType,
  command.events.map((e) => [e.eventId, e.caused.map(outline)]),
  command.caused.map(outline),
];

describe('the causation tree of a flow', () => {
  it('hangs each command under the event that caused it, and names it by its record', () => {
    const tree = causationTree([
      event('r1', 'c1', 'c1', 'Place'),
      event('e1', 'c1', 'c1'),
      event('r2', 'c2', 'e1', 'Reserve'),
      event('e2', 'c2', 'e1'),
      event('e3', 'c3', 'e2'),
      event('e4', 'c1', 'c1'),
    ]);
    expect(tree.map(outline)).toEqual([
      [
        'c1',
        'Place',
        [
          ['e1', [['c2', 'Reserve', [['e2', [['c3', null, [['e3', []]], []]]]], []]]],
          ['e4', []],
        ],
        [],
      ],
    ]);
    expect(tree[0].causedBy).toBeNull();
    expect(tree[0].events[0].caused[0].causedBy).toBe('e1');
  });

  it('hangs a step under the command it is a step of, even when the step was recorded first', () => {
    const tree = causationTree([event('s1', 'step', 'c1'), event('e1', 'c1', 'c1')]);
    expect(tree.map(outline)).toEqual([['c1', null, [['e1', []]], [['step', null, [['s1', []]], []]]]]);
  });

  it('makes roots of commands caused outside the flow', () => {
    const tree = causationTree([event('e1', 'c1', 'elsewhere'), event('e2', 'c2', 'c2')]);
    expect(tree.map((c) => [c.commandId, c.causedBy])).toEqual([
      ['c1', 'elsewhere'],
      ['c2', null],
    ]);
  });

  it('breaks a cycle of causes instead of losing its commands', () => {
    const tree = causationTree([event('a1', 'ca', 'b1'), event('b1', 'cb', 'a1')]);
    const ids: string[] = [];
    const walk = (c: CommandNode) => {
      ids.push(c.commandId);
      c.caused.forEach(walk);
      c.events.forEach((e) => e.caused.forEach(walk));
    };
    tree.forEach(walk);
    expect(ids.sort()).toEqual(['ca', 'cb']);
    expect(tree).toHaveLength(1);
  });
});
