/** @module Curated UK given and family names for the synthetic population. */

export const FAMILY_NAMES = [
  'Smith', 'Jones', 'Williams', 'Taylor', 'Brown', 'Davies', 'Evans', 'Wilson', 'Thomas', 'Johnson',
  'Roberts', 'Robinson', 'Thompson', 'Wright', 'Walker', 'White', 'Edwards', 'Hughes', 'Green', 'Hall',
  'Lewis', 'Harris', 'Clarke', 'Patel', 'Jackson', 'Wood', 'Turner', 'Martin', 'Cooper', 'Hill',
  'Ward', 'Morris', 'Moore', 'Clark', 'Lee', 'King', 'Baker', 'Harrison', 'Morgan', 'Allen',
  'James', 'Scott', 'Phillips', 'Watson', 'Davis', 'Parker', 'Price', 'Bennett', 'Young', 'Griffiths',
  'Mitchell', 'Kelly', 'Cook', 'Carter', 'Richardson', 'Bailey', 'Collins', 'Bell', 'Shaw', 'Murphy',
  'Miller', 'Cox', 'Richards', 'Khan', 'Marshall', 'Anderson', 'Simpson', 'Ellis', 'Adams', 'Singh',
  'Begum', 'Wilkinson', 'Foster', 'Chapman', 'Powell', 'Webb', 'Rogers', 'Gray', 'Mason', 'Ali',
  "O'Neill", 'Hussain', 'Campbell', 'Matthews', 'Owen', 'Palmer', 'Holmes', 'Mills', 'Barnes', 'Knight',
  'Lloyd', 'Butler', 'Russell', 'Barker', 'Fisher', 'Stevens', 'Jenkins', 'Murray', 'Dixon', 'Harvey',
] as const;

export const FEMALE_GIVEN_NAMES = [
  'Olivia', 'Amelia', 'Isla', 'Ava', 'Mia', 'Ivy', 'Lily', 'Isabella', 'Rosie', 'Sophia',
  'Grace', 'Freya', 'Emily', 'Poppy', 'Evie', 'Ella', 'Charlotte', 'Sienna', 'Daisy', 'Florence',
  'Margaret', 'Susan', 'Patricia', 'Elizabeth', 'Jean', 'Joan', 'Sarah', 'Helen', 'Karen', 'Julie',
  'Claire', 'Emma', 'Rachel', 'Nicola', 'Joanne', 'Lisa', 'Dorothy', 'Barbara', 'Christine', 'Ann',
  'Aisha', 'Fatima', 'Priya', 'Zainab', 'Megan', 'Hannah', 'Chloe', 'Lucy', 'Sophie', 'Jessica',
] as const;

export const MALE_GIVEN_NAMES = [
  'Oliver', 'George', 'Noah', 'Arthur', 'Muhammad', 'Leo', 'Oscar', 'Harry', 'Archie', 'Jack',
  'Henry', 'Charlie', 'Freddie', 'Theodore', 'Thomas', 'Alfie', 'Jacob', 'William', 'Lucas', 'Isaac',
  'John', 'David', 'Michael', 'Peter', 'Paul', 'Robert', 'James', 'Richard', 'Stephen', 'Andrew',
  'Mark', 'Christopher', 'Ian', 'Gary', 'Kevin', 'Daniel', 'Matthew', 'Simon', 'Neil', 'Graham',
  'Ahmed', 'Raj', 'Imran', 'Sanjay', 'Ryan', 'Liam', 'Joshua', 'Samuel', 'Benjamin', 'Kieran',
] as const;

/** Names for practice and hospital staff. */
export const CLINICIAN_NAMES = [
  { given: 'Rachel', family: 'Andrews' },
  { given: 'Sunil', family: 'Mehta' },
  { given: 'Fiona', family: 'McLeod' },
  { given: 'Owen', family: 'Pritchard' },
  { given: 'Hannah', family: 'Okafor' },
  { given: 'Gareth', family: 'Lloyd' },
  { given: 'Nadia', family: 'Rahman' },
  { given: 'Philip', family: 'Crossley' },
] as const;
