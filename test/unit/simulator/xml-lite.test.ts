import { parseXml, XmlSyntaxError, escapeXml } from '../../../simulators/concur/xml-lite';

describe('legacy XML reader', () => {
  it('reads nested elements, entities, CDATA and self-closing tags', () => {
    const root = parseXml('<?xml version="1.0"?><batch xmlns="http://x"><UserProfile><LoginId>a&amp;b@x.org</LoginId><Mi/><Note><![CDATA[<raw>]]></Note></UserProfile></batch>');
    expect(root.name).toBe('batch');
    const p = root.children[0];
    expect(p.children.map((c) => [c.name, c.text])).toEqual([['LoginId', 'a&b@x.org'], ['Mi', ''], ['Note', '<raw>']]);
  });

  it('rejects malformed documents', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(XmlSyntaxError);
    expect(() => parseXml('<a>')).toThrow('not closed');
    expect(() => parseXml('no xml')).toThrow(XmlSyntaxError);
  });

  it('escapes text for output', () => {
    expect(escapeXml(`<&"'>`)).toBe('&lt;&amp;&quot;&apos;&gt;');
  });
});
