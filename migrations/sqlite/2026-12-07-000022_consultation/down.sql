DROP TABLE meeting_registrations;
DROP TABLE consultation_meetings;
DROP TABLE consultation_contributions;
DROP TABLE consultations;
