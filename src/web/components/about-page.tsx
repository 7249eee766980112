/**
 * @module The public information page (`/about`, no sign-in): what My Care Record is, what it
 * does and does not do, how to see who has looked at your record, how to object, whom to contact.
 * Plain English, printable.
 */
import { NHS_LOGIN_START } from '../patient-api-client.ts';
import { PageFrame } from './page-frame.tsx';

export function AboutPage() {
  return (
    <PageFrame>
      <article className="narrow about">
        <h1>About My Care Record</h1>
        <p className="lede">
          My Care Record lets the health and care professionals looking after you see your record
          from your GP, hospitals and other services in one place, when they need it.
        </p>

        <h2>What it does</h2>
        <ul>
          <li>
            <strong>It collects your record live.</strong> When a professional opens your record, My
            Care Record asks the systems that already hold it (your GP practice, hospitals and
            others) and shows what they send back.
          </li>
          <li>
            <strong>It stores nothing from your record.</strong> When the professional closes it, it
            is gone. Your record stays where it was.
          </li>
          <li>
            <strong>It is read only.</strong> Nobody can change your record through it.
          </li>
          <li>
            <strong>It asks first.</strong> A professional must record your permission before
            looking. In an emergency, for example if you are unconscious, they can look without
            asking you; a privacy officer checks every emergency access.
          </li>
          <li>
            <strong>Every look is logged.</strong> Each time someone looks at your record, or
            records or ends a permission, it is written to an audit trail that cannot be changed
            without it showing.
          </li>
        </ul>

        <h2>What it does not do</h2>
        <ul>
          <li>It does not keep a copy of your record or build a database of records.</li>
          <li>It does not share your record for research, planning or marketing.</li>
          <li>It does not let anyone who is not caring for you look at your record.</li>
        </ul>

        <h2>See who has looked at your record</h2>
        <p>
          Sign in with NHS login (the same account as the NHS App) to see who has looked at your
          record in the last 12 months: the organisation, their role, when, and whether it was with
          your permission or in an emergency. You can check each line against the signed audit trail
          yourself, and raise a concern about any of them.
        </p>
        <p className="no-print">
          <a className="button" href={NHS_LOGIN_START}>
            Sign in with NHS login
          </a>
        </p>
        <p>
          You can also ask to be told by email when someone looks at your record in an emergency, or
          when an organisation looks at it for the first time.
        </p>

        <h2>How to opt out</h2>
        <p>
          You can object to your record being shared through My Care Record. Sign in with NHS login
          and choose &ldquo;My choices&rdquo;, or ask your GP practice to record it for you. From
          the next time anyone tries, nobody can open your record through My Care Record, and they
          are told that you have objected. You can change your mind at any time.
        </p>
        <p>
          Professionals caring for you will then not see information from other services through My
          Care Record, so they may need to ask you or contact those services directly.
        </p>
        <p>
          Your GP practice can also hold its own objection to sharing your GP record. That is set at
          the practice: ask them.
        </p>

        <h2>Who to contact</h2>
        <p>
          If you have a question or a concern about how your record has been looked at, raise it on
          your access history after signing in, or contact the privacy officer (data protection
          officer) at your GP practice or hospital. You can also complain to the Information
          Commissioner&rsquo;s Office (ico.org.uk).
        </p>
      </article>
    </PageFrame>
  );
}
